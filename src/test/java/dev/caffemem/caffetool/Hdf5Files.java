package dev.caffemem.caffetool;

import dev.caffemem.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * HDF5 files for HDF5Data layers, written by Debian's h5import (hdf5-tools) from raw little-endian
 * floats: datasets "data" (rows x features) and "label" (rows x 1), 32-bit IEEE, as
 * src/caffe/layers/hdf5_data_layer.cpp and util/hdf5.cpp read them. Without h5import the caller is
 * skipped here and fails under CI=true (.ci/run installs hdf5-tools).
 */
public final class Hdf5Files {
    static final Path H5IMPORT = Path.of("/usr/bin/h5import");

    private Hdf5Files() {
    }

    public static Path write(Path file, int rows, int features, int classes, long seed) {
        Prerequisites.requireExecutable(H5IMPORT, "apt-get install hdf5-tools; .ci/run does");
        Random rnd = new Random(seed);
        try {
            Path dir = Files.createTempDirectory(file.toAbsolutePath().getParent(), "h5import");
            Path data = floats(dir.resolve("data.bin"), rows * features, i -> (float) rnd.nextGaussian());
            Path label = floats(dir.resolve("label.bin"), rows, i -> i % classes);
            Path dataCfg = Files.writeString(dir.resolve("data.cfg"), config("data", rows + " " + features, 2));
            Path labelCfg = Files.writeString(dir.resolve("label.cfg"), config("label", rows + " 1", 2));
            Process p = new ProcessBuilder(List.of(H5IMPORT.toString(), data.toString(), "-c", dataCfg.toString(),
                    label.toString(), "-c", labelCfg.toString(), "-o", file.toAbsolutePath().toString()))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(file)) {
                throw new IllegalStateException("h5import failed: " + out);
            }
            for (Path f : List.of(data, label, dataCfg, labelCfg)) {
                Files.delete(f);
            }
            Files.delete(dir);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private interface Fill {
        float at(int i);
    }

    private static Path floats(Path file, int n, Fill fill) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(fill.at(i));
        }
        return Files.write(file, b.array());
    }

    private static String config(String dataset, String dims, int rank) {
        return "PATH " + dataset + "\nINPUT-CLASS FP\nINPUT-SIZE 32\nINPUT-BYTE-ORDER LE\nRANK " + rank
                + "\nDIMENSION-SIZES " + dims + "\nOUTPUT-CLASS FP\nOUTPUT-SIZE 32\nOUTPUT-ARCHITECTURE IEEE"
                + "\nOUTPUT-BYTE-ORDER LE\n";
    }
}
