package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;

/**
 * Data layers (src/caffe/layers/base_data_layer.cpp and the layers themselves). Prefetching layers
 * (Data, ImageData, WindowData) allocate {@code data_param.prefetch} batches eagerly at setup and
 * point their tops into the current batch, so the tops own no data. Input tops are written by the
 * user before each forward (Caffe itself never writes them).
 */
final class DataBehavior implements LayerBehavior {
    private final String type;

    DataBehavior(String type) {
        this.type = type;
    }

    static boolean prefetching(String type) {
        return type.equals("Data") || type.equals("ImageData") || type.equals("WindowData");
    }

    @Override
    public void setUp(LayerRun r) {
        if (prefetching(type)) {
            prefetch(r);
        } else if (type.equals("MemoryData")) {
            Shape data = r.top(0).shape();
            r.internal("added_data", data.count()).touchData();
            r.internal("added_label", data.dim(0)).touchData();
        } else if (type.equals("HDF5Data")) {
            // LoadHDF5FileData reads the whole current file into blobs of its datasets' shapes at setup
            Long file = r.runtime().hdf5FileBytes().get(r.params("hdf5_data_param").getString("source"));
            if (file != null) {
                r.detached("hdf5_file", (file + Float.BYTES - 1) / Float.BYTES, Component.LAYER_BUFFERS, true);
            }
        } else if (type.equals("DummyData")) {
            for (int i = 0; i < r.tops().size(); i++) {
                if (fillerType(r, i).equals("constant")) {
                    r.top(i).touchData();
                }
            }
        }
    }

    /**
     * The current batch (the tops point into it) and the other prefetch batches, billed as one buffer
     * so that any prefetch count costs the same to estimate.
     */
    private static void prefetch(LayerRun r) {
        long batches = r.params("data_param").getLong("prefetch");
        if (batches < 1) {
            throw r.fatal("data_param.prefetch must be at least 1 (found " + batches + ")");
        }
        r.setExternalData(r.top(0), r.detached("prefetch0/data", r.top(0).count(), Component.PREFETCH, true));
        if (r.tops().size() > 1) {
            r.setExternalData(r.top(1), r.detached("prefetch0/label", r.top(1).count(), Component.PREFETCH, true));
        }
        if (batches > 1) {
            long perBatch = r.top(0).count() + (r.tops().size() > 1 ? r.top(1).count() : 0);
            long others;
            try {
                others = Math.multiplyExact(batches - 1, Math.multiplyExact(perBatch, (long) Float.BYTES));
            } catch (ArithmeticException e) {
                throw r.fatal("data_param.prefetch " + batches + " batches of " + perBatch + " floats cannot be allocated");
            }
            r.detached("prefetch1-" + (batches - 1), others / Float.BYTES, Component.PREFETCH, true);
        }
        long mean = meanCount(r);
        if (mean > 0) {
            r.detached("mean", mean, Component.LAYER_BUFFERS, true);
            if (r.layer().type().equals("WindowData")) {
                r.detached("window_mean", mean, Component.LAYER_BUFFERS, true);
            }
        }
    }

    /** The mean file matches the uncropped record: the data top's shape before crop_size. */
    private static long meanCount(LayerRun r) {
        Message transform = r.params("transform_param");
        if (!transform.has("mean_file")) {
            return 0;
        }
        Shape top = r.top(0).shape();
        Message image = r.params("image_data_param");
        if (transform.getLong("crop_size") == 0) {
            return top.count(1);
        }
        if (r.layer().type().equals("ImageData") && image.getLong("new_height") > 0) {
            return top.dim(1) * image.getLong("new_height") * image.getLong("new_width");
        }
        // the uncropped size is unknown here (the record's own size); the cropped size is a lower bound
        return top.count(1);
    }

    private static String fillerType(LayerRun r, int top) {
        Message p = r.params("dummy_data_param");
        int n = p.count("data_filler");
        return n == 0 ? "constant" : p.getMessages("data_filler").get(n == 1 ? 0 : top).getString("type");
    }

    @Override
    public void forward(LayerRun r) {
        switch (type) {
            case "Input", "DummyData", "HDF5Data" -> r.tops().forEach(SimBlob::touchData);
            default -> {
                // prefetching tops point into the batch; MemoryData tops point into the caller's arrays
            }
        }
    }

    @Override
    public void backward(LayerRun r) {
        // data layers have no backward
    }
}
