package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Data layers: Input, Data, ImageData, HDF5Data, MemoryData, DummyData, WindowData. Their shapes come
 * from their parameters; where Caffe reads the first record or image, from {@code --input-shape}.
 */
final class DataShapes implements LayerKind {
    private final String type;

    DataShapes(String type) {
        this.type = type;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return switch (type) {
            case "MemoryData" -> BlobCounts.exact(0, 2);
            case "Input", "DummyData", "HDF5Data" -> BlobCounts.range(0, 0, 1, -1);
            default -> BlobCounts.range(0, 0, 1, 2);
        };
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        return LayerShapes.of(switch (type) {
            case "Input" -> input(ctx);
            case "DummyData" -> dummy(ctx);
            case "Data" -> record(ctx, ctx.layer().params("data_param").getLong("batch_size"), null);
            case "ImageData" -> image(ctx);
            case "WindowData" -> window(ctx);
            case "MemoryData" -> memory(ctx);
            case "HDF5Data" -> hdf5(ctx);
            default -> throw new IllegalStateException(type);
        });
    }

    private static List<Shape> input(SetupContext ctx) {
        List<Message> shapes = ctx.layer().params("input_param").getMessages("shape");
        if (!(shapes.isEmpty() || shapes.size() == 1 || shapes.size() == ctx.topCount())) {
            throw ctx.error("input_param must give one shape, or one shape per top (" + ctx.topCount()
                    + " tops, " + shapes.size() + " shapes)");
        }
        List<Shape> tops = new ArrayList<>();
        for (int i = 0; i < ctx.topCount(); i++) {
            if (shapes.isEmpty()) {
                tops.add(Shape.of(0));
                continue;
            }
            Shape s = blobShape(shapes.get(shapes.size() == 1 ? 0 : i));
            tops.add(ctx.overrides().batch() == null ? s : s.withBatch(ctx.overrides().batch()));
        }
        return tops;
    }

    private static List<Shape> dummy(SetupContext ctx) {
        Message p = ctx.layer().params("dummy_data_param");
        int n = ctx.topCount();
        int fillers = p.count("data_filler");
        if (!(fillers == 0 || fillers == 1 || fillers == n)) {
            throw ctx.error("dummy_data_param needs 0, 1 or " + n + " data_filler entries, found " + fillers);
        }
        List<Shape> tops = new ArrayList<>();
        int legacy = p.count("num") + p.count("channels") + p.count("height") + p.count("width");
        if (legacy > 0) {
            if (p.count("shape") > 0) {
                throw ctx.error("dummy_data_param gives both shape and the legacy num/channels/height/width");
            }
            for (String f : List.of("num", "channels", "height", "width")) {
                if (p.count(f) != 1 && p.count(f) != n) {
                    throw ctx.error("dummy_data_param." + f + " must be given once or once per top (" + n + ")");
                }
            }
            for (int i = 0; i < n; i++) {
                tops.add(Shape.of(pick(p, "num", i), pick(p, "channels", i), pick(p, "height", i), pick(p, "width", i)));
            }
        } else {
            List<Message> shapes = p.getMessages("shape");
            if (shapes.size() != 1 && shapes.size() != n) {
                throw ctx.error("dummy_data_param.shape must be given once or once per top (" + n + " tops, "
                        + shapes.size() + " shapes)");
            }
            for (int i = 0; i < n; i++) {
                tops.add(blobShape(shapes.get(shapes.size() == 1 ? 0 : i)));
            }
        }
        if (ctx.overrides().batch() != null) {
            tops.replaceAll(s -> s.withBatch(ctx.overrides().batch()));
        }
        for (int i = 0; i < n && fillers > 0; i++) {
            // DummyDataLayer::LayerSetUp fills every top with its filler (no data_filler: constant 0)
            Fillers.check(ctx, p.getMessages("data_filler").get(fillers == 1 ? 0 : i), tops.get(i), "data_filler");
        }
        return tops;
    }

    private static int pick(Message p, String field, int i) {
        List<Long> values = p.getLongs(field);
        return Math.toIntExact(values.get(values.size() == 1 ? 0 : i));
    }

    /** Data: the per-sample shape of the first record (--input-shape), then crop_size. */
    private static List<Shape> record(SetupContext ctx, long declaredBatch, Shape knownSample) {
        int batch = batch(ctx, declaredBatch);
        String top = ctx.top(0);
        Shape sample = knownSample != null ? knownSample : ctx.overrides().inputShapes().get(top);
        if (sample == null) {
            throw ctx.error("takes its shape from the first record of its source, which the estimator does not read;"
                    + " give it with --input-shape " + top + "=C,H,W");
        }
        Shape data = prepend(batch, cropped(ctx.layer().params("transform_param"), sample));
        return withLabel(ctx, data, batch);
    }

    private static List<Shape> image(SetupContext ctx) {
        Message p = ctx.layer().params("image_data_param");
        long h = p.getLong("new_height");
        long w = p.getLong("new_width");
        if ((h == 0) != (w == 0)) {
            throw ctx.error("image_data_param needs new_height and new_width set together (or neither)");
        }
        Shape sample = null;
        if (h > 0) {
            sample = Shape.of(p.getBool("is_color") ? 3 : 1, Math.toIntExact(h), Math.toIntExact(w));
        }
        return record(ctx, p.getLong("batch_size"), sample);
    }

    private static List<Shape> window(SetupContext ctx) {
        Message p = ctx.layer().params("window_data_param");
        long crop = ctx.layer().params("transform_param").getLong("crop_size");
        if (crop <= 0) {
            throw ctx.error("WindowData needs transform_param.crop_size > 0");
        }
        int batch = batch(ctx, p.getLong("batch_size"));
        return withLabel(ctx, Shape.of(batch, 3, (int) crop, (int) crop), batch);
    }

    private static List<Shape> memory(SetupContext ctx) {
        Message p = ctx.layer().params("memory_data_param");
        int batch = batch(ctx, p.getLong("batch_size"));
        Shape data = Shape.of(batch, p.getInt("channels"), p.getInt("height"), p.getInt("width"));
        if (data.count() == 0) {
            throw ctx.error("memory_data_param needs batch_size, channels, height and width all > 0");
        }
        return List.of(data, Shape.of(batch));
    }

    private static List<Shape> hdf5(SetupContext ctx) {
        int batch = batch(ctx, ctx.layer().params("hdf5_data_param").getLong("batch_size"));
        List<Shape> tops = new ArrayList<>();
        for (int i = 0; i < ctx.topCount(); i++) {
            Shape sample = ctx.overrides().inputShapes().get(ctx.top(i));
            if (sample == null) {
                throw ctx.error("takes the shape of dataset \"" + ctx.top(i) + "\" from its HDF5 files, which the"
                        + " estimator does not read; give it with --input-shape " + ctx.top(i) + "=D1,D2,... (without the batch)");
            }
            tops.add(prepend(batch, sample));
        }
        return tops;
    }

    private static int batch(SetupContext ctx, long declared) {
        int batch = ctx.overrides().batchOr(declared);
        if (batch <= 0) {
            throw ctx.error("needs a positive batch_size (found " + batch + ")");
        }
        return batch;
    }

    private static List<Shape> withLabel(SetupContext ctx, Shape data, int batch) {
        return ctx.topCount() > 1 ? List.of(data, Shape.of(batch)) : List.of(data);
    }

    /** {@code DataTransformer::InferBlobShape}: crop_size replaces height and width. */
    private static Shape cropped(Message transform, Shape sample) {
        long crop = transform.getLong("crop_size");
        if (crop == 0 || sample.axes() < 3) {
            return sample;
        }
        return Shape.of(sample.dim(0), (int) crop, (int) crop);
    }

    private static Shape prepend(int batch, Shape sample) {
        int[] d = new int[sample.axes() + 1];
        d[0] = batch;
        System.arraycopy(sample.dims(), 0, d, 1, sample.axes());
        return Shape.of(d);
    }

    static Shape blobShape(Message blobShape) {
        return Shape.of(blobShape.getLongs("dim"));
    }
}
