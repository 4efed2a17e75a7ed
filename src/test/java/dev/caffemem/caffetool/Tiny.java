package dev.caffemem.caffetool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small net for the support's own tests: a data layer per phase, one InnerProduct of 1024 outputs
 * (its weights are what moves memory), SoftmaxWithLoss; and its solver: SGD, one iteration, a test
 * pass at iteration 0, the final snapshot under snap/tiny.
 */
final class Tiny {
    private Tiny() {
    }

    /**
     * @param type      Data, ImageData or HDF5Data
     * @param paramName data_param, image_data_param or hdf5_data_param
     * @param resize    ImageData only: new_height/new_width 64
     */
    static void write(Path dir, String type, String paramName, String trainSource, String testSource, boolean resize)
            throws IOException {
        StringBuilder net = new StringBuilder("name: \"tiny\"\n");
        for (String phase : new String[] {"TRAIN", "TEST"}) {
            net.append("layer { name: \"data\" type: \"").append(type).append("\" top: \"data\" top: \"label\"\n")
                    .append("  include { phase: ").append(phase).append(" }\n  ").append(paramName).append(" {\n")
                    .append("    source: \"").append(phase.equals("TRAIN") ? trainSource : testSource).append("\"\n")
                    .append("    batch_size: 8\n")
                    .append(type.equals("Data") ? "    backend: LMDB\n" : "")
                    .append(resize ? "    new_height: 64\n    new_width: 64\n" : "")
                    .append("  }\n}\n");
        }
        net.append("layer { name: \"fc\" type: \"InnerProduct\" bottom: \"data\" top: \"fc\"\n")
                .append("  inner_product_param { num_output: 1024 weight_filler { type: \"gaussian\" std: 0.01 } } }\n")
                .append("layer { name: \"loss\" type: \"SoftmaxWithLoss\" bottom: \"fc\" bottom: \"label\" top: \"loss\" }\n");
        Files.writeString(dir.resolve("train_val.prototxt"), net);
        Files.writeString(dir.resolve("solver.prototxt"), """
                net: "train_val.prototxt"
                test_iter: 1
                test_interval: 1000
                base_lr: 0.01
                momentum: 0.9
                lr_policy: "fixed"
                display: 1000
                max_iter: 1
                snapshot_prefix: "snap/tiny"
                solver_mode: CPU
                """);
        Files.createDirectories(dir.resolve("snap"));
    }
}
