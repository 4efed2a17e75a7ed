package dev.caffemem.caffetool;

import dev.caffemem.testing.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * BVLC Caffe 1.0's own command-line tools ({@code caffe}, {@code convert_imageset}), built once per
 * test run by {@code ../shared/caffe-tool/build.sh target/caffe-tool} against the same CPU libcaffe the
 * probe loads. An existing build in target/ is reused, so only the first test of a run pays the minute.
 * Missing g++, Boost headers or ../shared skip the caller here and fail it under CI=true.
 */
public final class CaffeTool {
    static final Path BUILD_SCRIPT = Path.of("..", "shared", "caffe-tool", "build.sh");
    static final Path OUT = Path.of("target", "caffe-tool");
    private static final long BUILD_TIMEOUT_MINUTES = 15;
    private static CaffeTool built;

    private final Path dir;

    private CaffeTool(Path dir) {
        this.dir = dir;
    }

    /** The built tools, building them on first use. */
    public static synchronized CaffeTool get() {
        Prerequisites.require(Files.isRegularFile(BUILD_SCRIPT),
                BUILD_SCRIPT + " is not present (../shared beside the checkout)");
        Prerequisites.require(onPath("g++"), "g++ is not installed (apt-get install g++)");
        Prerequisites.require(Files.isRegularFile(Path.of("/usr/include/boost/shared_ptr.hpp")),
                "Boost headers are not installed (apt-get install libboost-dev; .ci/run does)");
        if (built == null) {
            CaffeTool tool = new CaffeTool(OUT.toAbsolutePath());
            if (!tool.isBuilt()) {
                tool.build();
            }
            built = tool;
        }
        return built;
    }

    /** {@code caffe} itself. */
    public Path caffe() {
        return dir.resolve("caffe");
    }

    /** {@code convert_imageset}, which writes the LMDBs that Data layers read. */
    public Path convertImageset() {
        return dir.resolve("convert_imageset");
    }

    private boolean isBuilt() {
        return Files.isExecutable(caffe()) && Files.isExecutable(convertImageset())
                && Files.isRegularFile(dir.resolve("lib").resolve("libcaffe.so.1.0.0"));
    }

    private void build() {
        System.err.println("caffe-tool: building BVLC's caffe and convert_imageset into " + dir + " (about a minute)");
        try {
            Path log = Files.createTempFile("caffe-tool-build", ".log");
            Process p = new ProcessBuilder(List.of("bash", BUILD_SCRIPT.toAbsolutePath().toString(), dir.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("caffe-tool build did not finish in " + BUILD_TIMEOUT_MINUTES + " min; log " + log);
            }
            if (p.exitValue() != 0 || !isBuilt()) {
                throw new IllegalStateException("caffe-tool build failed (exit " + p.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            Files.delete(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building caffe-tool", e);
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
