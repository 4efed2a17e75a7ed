package dev.caffemem.caffetool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * LMDBs for Data layers, made the way a Caffe user makes them: BVLC's convert_imageset over images on
 * disk and their list, {@code --backend=lmdb}, resized as examples/imagenet/create_imagenet.sh does.
 * Records are raw Datums (not --encoded), so each holds C x H x W bytes.
 */
public final class Lmdbs {
    private Lmdbs() {
    }

    /**
     * {@code convert_imageset --resize_height=H --resize_width=W [--gray] --backend=lmdb ROOT/ LIST DB}.
     *
     * @return the LMDB directory
     */
    public static Path convert(CaffeTool tool, Path root, Path list, Path db, int height, int width, boolean gray) {
        List<String> cmd = new ArrayList<>(List.of(tool.convertImageset().toString(), "--resize_height=" + height,
                "--resize_width=" + width, "--backend=lmdb"));
        if (gray) {
            cmd.add("--gray");
        }
        cmd.addAll(List.of(root.toAbsolutePath() + "/", list.toAbsolutePath().toString(), db.toAbsolutePath().toString()));
        RunRecord r = CaffeRun.of(cmd).timeout(Duration.ofMinutes(5)).run();
        if (r.exitCode() != 0 || !Files.isRegularFile(db.resolve("data.mdb"))) {
            throw new IllegalStateException("convert_imageset failed (exit " + r.exitCode() + "):\n" + r.tail(10));
        }
        return db;
    }

    /** How many records convert_imageset said it wrote ("Processed N files."). */
    public static long processed(RunRecord r) {
        return r.lines().stream().map(l -> PhaseMarkers.message(l.text()).orElse(""))
                .filter(m -> m.startsWith("Processed ")).map(m -> Long.parseLong(m.replaceAll("\\D+", "")))
                .reduce((a, b) -> b).orElse(0L);
    }

    /** The size of the LMDB's data file, in bytes. */
    public static long dataFileBytes(Path db) {
        try {
            return Files.size(db.resolve("data.mdb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
