package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 8, D5 and D7: input that used to end in exit 4 (an internal error) or in a failure after work had
 * started is one usage or input error, before anything runs. Every case goes through the real command line.
 */
class EarlyChecksTest {
    private static final String LENET = "src/test/resources/dev/caffemem/metrics/tiny.prototxt";

    private static void assertOneLine(CliRun r, int code, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).as(r.err()).singleElement().asString().startsWith("caffemem: ")
                .contains(fragments);
    }

    /** D5: a NUL in a path the solver names was an InvalidPathException, exit 4. */
    @ParameterizedTest
    @ValueSource(strings = {"net", "train_net", "test_net"})
    void aNulInASolversNetPathIsBadInput(String field, @TempDir Path tmp) throws Exception {
        Path solver = tmp.resolve("solver.prototxt");
        String text = field.equals("test_net")
                ? "net: \"" + Path.of(LENET).toAbsolutePath() + "\"\ntest_net: \"a\\000b.prototxt\"\ntest_iter: 1\ntest_interval: 10\n"
                : field + ": \"a\\000b.prototxt\"\n";
        Files.writeString(solver, text);
        CliRun r = CliRun.of("estimate", "--solver", solver.toString());
        int line = field.equals("test_net") ? 2 : 1;
        assertOneLine(r, ExitCodes.BAD_INPUT, solver + ":" + line + ":", "NUL");
    }

    /** D5: a duration past Long.MAX_VALUE nanoseconds was an ArithmeticException, exit 4. */
    @ParameterizedTest
    @ValueSource(strings = {"probe --timeout", "estimate --push-gateway http://127.0.0.1:9091 --job j --push-timeout",
        "serve --port 0 --schedule"})
    void aDurationTooLongToCountIsAUsageError(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add(1, LENET);
        args.add("99999999999999999h");
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertOneLine(r, ExitCodes.USAGE, args.get(args.size() - 2) + " 99999999999999999h", "too long");
    }

    /** D5: serve --port 70000 or -1 was an IllegalArgumentException from InetSocketAddress, exit 4. */
    @ParameterizedTest
    @ValueSource(strings = {"70000", "-1", "65536"})
    void aPortOutOfRangeIsAUsageError(String port) {
        CliRun r = CliRun.of("serve", LENET, "--port", port);
        assertOneLine(r, ExitCodes.USAGE, "--port " + port, "0 to 65535");
    }

    /** D7: --timeout 0s started a child, then exited 12; --push-timeout 0s failed the push with exit 14. */
    @ParameterizedTest
    @ValueSource(strings = {"probe --timeout 0s", "probe --timeout 0ms", "estimate --push-gateway http://127.0.0.1:9091 "
            + "--job j --push-timeout 0s", "serve --port 0 --schedule 0m"})
    void aZeroDurationIsAUsageErrorBeforeAnythingRuns(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add(1, LENET);
        CliRun r = CliRun.of(args.toArray(String[]::new));
        // one line and no progress: no child was started
        assertOneLine(r, ExitCodes.USAGE, args.get(args.size() - 2) + " " + args.get(args.size() - 1), "more than zero");
    }

    /** D7: a gateway URL with a port out of range failed only at the push, with exit 14. */
    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:99999", "http://127.0.0.1:0"})
    void aGatewayPortOutOfRangeIsAUsageError(String url) {
        CliRun r = CliRun.of("estimate", LENET, "--push-gateway", url, "--job", "j");
        assertOneLine(r, ExitCodes.USAGE, "--push-gateway", url, "port");
    }

    /**
     * Found by CliFuzzTest: serve checked its probe options but not the GPU profile, so an unknown --profile
     * started a server whose every probe would fail. Both commands now refuse it before anything runs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"serve --port 0", "probe"})
    void anUnknownGpuProfileIsAUsageErrorBeforeAnythingRuns(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add(1, LENET);
        args.addAll(List.of("--device", "gpu:0", "--profile", "nosuch"));
        assertOneLine(CliRun.of(args.toArray(String[]::new)), ExitCodes.USAGE, "--profile", "nosuch");
    }

    /**
     * Found by CliFuzzTest: a size of zero reached GpuSettings (estimate --device gpu --profile P --memory 0:
     * "device capacity must be positive", exit 4), a memory cgroup of 0 bytes or a machine of none.
     */
    @ParameterizedTest
    @ValueSource(strings = {"estimate --memory 0", "estimate --device gpu --profile a100-80gb --memory 0",
        "estimate --memory 0.0001", "probe --memory-limit 0", "serve --port 0 --memory 0B"})
    void aSizeOfZeroIsAUsageError(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add(1, LENET);
        assertOneLine(CliRun.of(args.toArray(String[]::new)), ExitCodes.USAGE, "more than zero");
    }
}
