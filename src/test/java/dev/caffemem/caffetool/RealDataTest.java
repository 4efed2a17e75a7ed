package dev.caffemem.caffetool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data the peak tests make for themselves, read by the real {@code caffe train}: an LMDB made by
 * BVLC's convert_imageset from PNGs the test wrote (Data layer), an HDF5 file made by h5import
 * (HDF5Data), and a mean file (transform_param.mean_file). The shapes Caffe logs are the ones made.
 */
class RealDataTest {

    @Test
    void dataLayerReadsAnLmdbMadeByConvertImageset(@TempDir Path dir) throws Exception {
        CaffeTool tool = CaffeTool.get();
        Path list = TestImages.write(dir.resolve("pngs"), 12, 50, 40, true, 3, 7);
        RunRecord convert = CaffeRun.of(List.of(tool.convertImageset().toString(), "--resize_height=32",
                "--resize_width=32", "--backend=lmdb", dir.resolve("pngs") + "/", list.toString(),
                dir.resolve("db").toString())).run();
        assertThat(convert.exitCode()).as(convert.tail(5)).isZero();
        assertThat(Lmdbs.processed(convert)).isEqualTo(12);
        // raw Datums: 3 x 32 x 32 bytes of pixels each, plus keys and B-tree pages
        assertThat(Lmdbs.dataFileBytes(dir.resolve("db"))).isGreaterThanOrEqualTo(12L * 3 * 32 * 32);
        Tiny.write(dir, "Data", "data_param", "db", "db", false);
        addMeanFile(dir, MeanFiles.write(dir.resolve("mean.binaryproto"), 3, 32, 32, 100f));
        RunRecord r = CaffeRun.train(tool, Path.of("solver.prototxt")).in(dir).run();
        assertThat(r.exitCode()).as(r.tail(10)).isZero();
        assertThat(r.logged("output data size: 8,3,32,32")).isTrue();
        assertThat(r.logged("Loading mean file from: mean.binaryproto")).isTrue();
        // the LMDB is mapped: its pages read are file-backed resident memory, not anonymous
        assertThat(r.peakPhase().atEnd().rssFileBytes()).isPositive();
    }

    @Test
    void hdf5DataReadsAFileMadeByH5import(@TempDir Path dir) throws Exception {
        CaffeTool tool = CaffeTool.get();
        Path h5 = Hdf5Files.write(dir.resolve("rows.h5"), 4096, 256, 2, 11);
        Files.writeString(dir.resolve("files.txt"), h5 + "\n");
        Tiny.write(dir, "HDF5Data", "hdf5_data_param", "files.txt", "files.txt", false);
        RunRecord r = CaffeRun.train(tool, Path.of("solver.prototxt")).in(dir).run();
        assertThat(r.exitCode()).as(r.tail(10)).isZero();
        assertThat(r.logged("Number of HDF5 files: 1")).isTrue();
        assertThat(r.logged("Top shape: 8 256 (2048)")).isTrue();
        // HDF5Data holds the whole current file (4 MiB of floats per net) from its setup on
        long fileBytes = 4096L * 256 * 4;
        Phase init = r.phase("train net init").orElseThrow();
        assertThat(init.hwmBytes() - init.atStart().vmRssBytes()).isGreaterThan(fileBytes);
    }

    private static void addMeanFile(Path dir, Path mean) throws Exception {
        Path net = dir.resolve("train_val.prototxt");
        Files.writeString(net, Files.readString(net).replace("  data_param {",
                "  transform_param { mean_file: \"" + mean.getFileName() + "\" }\n  data_param {"));
    }
}
