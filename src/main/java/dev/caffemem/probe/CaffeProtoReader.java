package dev.caffemem.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads Caffe's own caffe.proto from the libcaffe the probe loads (its protobuf descriptor), in a
 * child JVM running {@link DescriptorWorker}; this JVM loads no native code. The child gets the CPU
 * build of the natives, like a CPU probe.
 */
public final class CaffeProtoReader {
    /** Named as a string so that the parent never loads a class that links to Caffe. */
    private static final String WORKER_CLASS = "dev.caffemem.probe.DescriptorWorker";

    private CaffeProtoReader() {
    }

    /**
     * @param timeout how long the child may take (loading libcaffe and its dependencies dominates)
     * @throws ProbeException when the child cannot start, dies, or runs past the timeout
     */
    public static CaffeProto read(Duration timeout) {
        Path work;
        try {
            work = Files.createTempDirectory("caffemem-descriptor-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return run(timeout, work);
        } finally {
            delete(work);
        }
    }

    /** The child's command line: this JVM's java and class path, Caffe's CPU natives. */
    static List<String> command(Path result) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xmx128m");
        // both the CPU and the GPU builds may be on the class path (tests): always name the CPU one
        cmd.add("-Dorg.bytedeco.javacpp.platform.extension=");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WORKER_CLASS);
        cmd.add(result.toString());
        return cmd;
    }

    private static CaffeProto run(Duration timeout, Path work) {
        Path result = work.resolve("caffe-proto.json");
        Path log = work.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(command(result));
        pb.environment().put("GLOG_minloglevel", "2");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(log.toFile());
        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            throw new ProbeException(ProbeException.Kind.FAILED, "cannot start the descriptor child: " + e.getMessage());
        }
        try {
            if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
                throw new ProbeException(ProbeException.Kind.TIMEOUT, "the descriptor child ran past the "
                        + timeout.toSeconds() + " s timeout and was stopped");
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ProbeException(ProbeException.Kind.FAILED, "interrupted while waiting for the descriptor child");
        }
        if (child.exitValue() != 0) {
            throw new ProbeException(ProbeException.Kind.FAILED, "the descriptor child failed with exit code "
                    + child.exitValue() + ": " + lastLines(log));
        }
        try {
            return new ObjectMapper().readValue(result.toFile(), CaffeProto.class);
        } catch (IOException e) {
            throw new ProbeException(ProbeException.Kind.FAILED, "the descriptor child wrote no readable result: "
                    + e.getMessage());
        }
    }

    /** What the child said last (a Java exception or glog's fatal line), on one line. */
    private static String lastLines(Path log) {
        ChildLog lines = new ChildLog(line -> { }, null);
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                lines.line(line);
            }
        } catch (IOException e) {
            return "its stderr could not be read (" + e.getMessage() + ")";
        }
        return lines.fatalLine().or(lines::javaError).orElse("it printed no error");
    }

    private static void delete(Path work) {
        try (var files = Files.list(work)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(work);
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing the check for
        }
    }
}
