package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.testing.Prerequisites;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 8, D8: messages that said something other than what happened. Each runs the real command line. */
class MessagesTest {
    private static final String TINY = "src/test/resources/dev/caffemem/metrics/tiny.prototxt";

    private static String oneLine(CliRun r, int code) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        assertThat(r.out()).isEmpty();
        return r.err().lines().toList().stream().reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /** A symbolic link loop said "no such file". */
    @Test
    void aSymlinkLoopSaysSo(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a.prototxt");
        Files.createSymbolicLink(a, tmp.resolve("b.prototxt"));
        Files.createSymbolicLink(tmp.resolve("b.prototxt"), a);
        assertThat(oneLine(CliRun.of("estimate", a.toString()), ExitCodes.BAD_INPUT))
                .startsWith("caffemem: " + a + ": ").contains("symbolic links").doesNotContain("no such file");
    }

    /** A path through a plain file said "no such file". */
    @Test
    void aPathThroughAFileSaysSo(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("plain.txt"), "x");
        Path net = file.resolve("net.prototxt");
        assertThat(oneLine(CliRun.of("estimate", net.toString()), ExitCodes.BAD_INPUT))
                .startsWith("caffemem: " + net + ": ").contains("not a directory").doesNotContain("no such file");
    }

    /**
     * A directory that may not be searched said "no such file". Run as a process: as root (this machine, CI)
     * the permission check only bites without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, which setpriv drops.
     */
    @Test
    void anUnreadableDirectorySaysPermissionDenied(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("locked"));
        Path net = Files.copy(Path.of(TINY), dir.resolve("net.prototxt"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("---------"));
        try {
            List<String> cmd = new ArrayList<>();
            if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
                Prerequisites.requireExecutable(Path.of("/usr/bin/setpriv"), "apt-get install util-linux");
                cmd.addAll(List.of("/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search"));
            }
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "dev.caffemem.cli.Main", "estimate", net.toString()));
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(err).isEqualTo(ExitCodes.BAD_INPUT);
            assertThat(err.lines().toList()).singleElement().asString().startsWith("caffemem: " + net + ": ")
                    .contains("permission denied").doesNotContain("no such file");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** An absolute net path in a solver listed "the solver's directory and its parents", which were not tried. */
    @Test
    void anAbsoluteMissingNetPathIsTriedOnce(@TempDir Path tmp) throws Exception {
        Path solver = Files.writeString(tmp.resolve("solver.prototxt"), "net: \"/nonexistent/caffemem/net.prototxt\"\n");
        assertThat(oneLine(CliRun.of("estimate", "--solver", solver.toString()), ExitCodes.BAD_INPUT))
                .startsWith("caffemem: " + solver + ":1:")
                .contains("net file \"/nonexistent/caffemem/net.prototxt\" not found")
                .doesNotContain("parents").doesNotContain("tried");
    }

    /** --metrics-file '' said "is a directory" (the empty path is the current directory). */
    @Test
    void anEmptyMetricsFileNameSaysSo() {
        assertThat(oneLine(CliRun.of("estimate", TINY, "--metrics-file", ""), ExitCodes.USAGE))
                .startsWith("caffemem: --metrics-file").contains("empty").doesNotContain("is a directory");
    }

    /** A saturated count (three dims of INT_MAX, past 2^63) printed 9223372036854775807 elements. */
    @Test
    void aCountPastLongIsNotPrintedAsLongMaxValue(@TempDir Path tmp) throws Exception {
        Path net = Files.writeString(tmp.resolve("huge.prototxt"), "layer { name: 'data' type: 'Input' top: 'data' "
                + "input_param { shape { dim: 2147483647 dim: 2147483647 dim: 2147483647 } } }\n");
        assertThat(oneLine(CliRun.of("estimate", net.toString(), "--phase", "TEST"), ExitCodes.BAD_INPUT))
                .contains("layer \"data\"", "INT_MAX", "more than 2^63").doesNotContain("9223372036854775807");
    }

    /** A gateway's status line and body went to stderr as they came, NUL and escape sequences included. */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 500 Bad\r\nContent-Length: 12\r\n\r\n\0\u001b[31mboom\r\n\0",
        "HTTP/1.1 5\u00000 \u001b[2J\r\n\r\n"})
    void aGatewaysGarbageIsEscaped(String answer, @TempDir Path tmp) throws Exception {
        try (ServerSocket gateway = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> answerOnce(gateway, answer));
            t.setDaemon(true);
            t.start();
            CliRun r = CliRun.of("estimate", TINY, "--phase", "TEST", "--push-gateway", "http://127.0.0.1:"
                    + gateway.getLocalPort(), "--job", "j");
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.PUSH_FAILED);
            String line = r.err().lines().toList().get(0);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(line).startsWith("caffemem: pushing metrics").contains("failed");
            assertThat(line.chars().filter(c -> c < 0x20 || c == 0x7f)).as("control characters in " + line).isEmpty();
        }
    }

    private static void answerOnce(ServerSocket server, String answer) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            String seen = "";
            while (!seen.contains("\r\n\r\n")) {
                int n = in.read(buf);
                if (n < 0) {
                    return;
                }
                seen += new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            }
            OutputStream out = s.getOutputStream();
            out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            // the client gave up
        }
    }
}
