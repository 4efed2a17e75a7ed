package dev.caffemem.net;

import dev.caffemem.prototxt.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The data files a net's layers read, where they are at hand (paths as written, relative to the directory Caffe
 * runs in): the first HDF5 file of each HDF5Data source list (the layer reads a whole file into memory), and the
 * size of each LMDB or LevelDB database a Data layer maps. Keyed by the layer's {@code source} as written.
 */
public final class DataFiles {

    private DataFiles() {
    }

    /** By HDF5Data source list, the size of the first file it lists, for the lists and files that exist. */
    public static Map<String, Long> hdf5(Message net, Path base) {
        Map<String, Long> out = new HashMap<>();
        for (Message layer : net.getMessages("layer")) {
            if (!layer.getString("type").equals("HDF5Data")) {
                continue;
            }
            String source = layer.getMessage("hdf5_data_param").getString("source");
            Path list = base.resolve(source);
            if (source.isEmpty() || !Files.isRegularFile(list)) {
                continue;
            }
            try (Stream<String> lines = Files.lines(list)) {
                lines.map(String::trim).filter(l -> !l.isEmpty()).findFirst()
                        .map(base::resolve).filter(Files::isRegularFile).ifPresent(f -> out.put(source, size(f)));
            } catch (IOException | UncheckedIOException e) {
                // an unreadable list: the layer's file is simply not counted (the notes say so)
            }
        }
        return out;
    }

    /** By Data source, the size of its database (LMDB's data.mdb, or a LevelDB directory's files), where it exists. */
    public static Map<String, Long> datasets(Message net, Path base) {
        Map<String, Long> out = new HashMap<>();
        for (Message layer : net.getMessages("layer")) {
            if (!layer.getString("type").equals("Data")) {
                continue;
            }
            String source = layer.getMessage("data_param").getString("source");
            Path dir = base.resolve(source);
            if (source.isEmpty() || !Files.isDirectory(dir)) {
                continue;
            }
            long bytes = layer.getMessage("data_param").getEnum("backend").equals("LMDB")
                    ? size(dir.resolve("data.mdb")) : directorySize(dir);
            if (bytes > 0) {
                out.put(source, bytes);
            }
        }
        return out;
    }

    private static long size(Path f) {
        try {
            return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long directorySize(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            long total = 0;
            for (Path f : regular) {
                total += size(f);
            }
            return total;
        } catch (IOException e) {
            return 0;
        }
    }
}
