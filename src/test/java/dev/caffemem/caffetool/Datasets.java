package dev.caffemem.caffetool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real data sets the peak runs read, made once under one root and reused: PNG lists for ImageData,
 * LMDBs made from PNGs with convert_imageset, mean files, and an HDF5 file. Each is small, so the file-
 * backed pages a run maps stay a few MB and VmHWM is (almost) all anonymous memory.
 */
public final class Datasets {
    /** What a data layer reads, and where, relative to a run's directory (the root is linked in as "data"). */
    public record Source(String path, int channels, int height, int width) {
    }

    private final Path root;
    private final CaffeTool tool;

    public Datasets(CaffeTool tool, Path root) {
        this.tool = tool;
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    /** A list of {@code count} color PNGs of width x height for ImageData; paths in it are relative to the run's directory. */
    public Source pngList(String name, int count, int width, int height) {
        Path dir = root.resolve(name);
        Path list = dir.resolve("list.txt");
        if (!Files.isRegularFile(list)) {
            TestImages.write(dir, count, width, height, true, 10, name.hashCode());
            rewriteRelativeTo(list, "data/" + name + "/");
        }
        return new Source("data/" + name + "/list.txt", 3, height, width);
    }

    /** An LMDB of {@code count} images resized to height x width (gray: one channel), as convert_imageset makes it. */
    public Source lmdb(String name, int count, int height, int width, boolean gray) {
        Path db = root.resolve(name + "_lmdb");
        if (!Files.isRegularFile(db.resolve("data.mdb"))) {
            Path pngs = root.resolve(name + "_png");
            Path list = TestImages.write(pngs, count, Math.max(width, 64) + 13, Math.max(height, 64) + 7, !gray, 10,
                    name.hashCode());
            Lmdbs.convert(tool, pngs, list, db, height, width, gray);
        }
        return new Source("data/" + name + "_lmdb", gray ? 1 : 3, height, width);
    }

    /** A mean file of channels x height x width. */
    public String meanFile(int channels, int height, int width) {
        String name = "mean_" + channels + "x" + height + "x" + width + ".binaryproto";
        Path f = root.resolve(name);
        if (!Files.isRegularFile(f)) {
            MeanFiles.write(f, channels, height, width, 110f);
        }
        return "data/" + name;
    }

    /** An HDF5 file of rows x features ("data") and labels, and the list file HDF5Data reads. */
    public Source hdf5(String name, int rows, int features) {
        Path list = root.resolve(name + ".txt");
        if (!Files.isRegularFile(list)) {
            Path h5 = Hdf5Files.write(root.resolve(name + ".h5"), rows, features, 2, name.hashCode());
            write(list, List.of(h5.toString()));
        }
        return new Source("data/" + name + ".txt", features, 1, 1);
    }

    private static void rewriteRelativeTo(Path list, String prefix) {
        try {
            List<String> lines = Files.readAllLines(list).stream().map(l -> prefix + l).toList();
            Files.write(list, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path f, List<String> lines) {
        try {
            Files.write(f, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
