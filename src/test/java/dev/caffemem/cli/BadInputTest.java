package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Bad input never gives a stack trace or an uncaught exception: every case in {@link #cases()} runs
 * {@code caffemem estimate} through {@link Cli#create()} as a user would, and must end with the
 * documented exit code, nothing on stdout, and exactly one stderr line that starts with "caffemem: ",
 * says where (file:line:column, the layer, the path, or the option) and says what is wrong.
 */
class BadInputTest {

    /** Stands for the fixture's path in a case's arguments. */
    private static final String FILE = "{}";

    /** What one run printed and returned. */
    record Result(int code, String out, String err) {
    }

    /**
     * One bad input.
     *
     * @param fixture   a file under bad/ (or a name that is deliberately missing, or "." for the folder)
     * @param args      the command line after "caffemem", with {@link #FILE} for the fixture's path
     * @param code      the exit code (ExitCodes)
     * @param where     what locates the problem: "name.prototxt:line:column", the path ({@link #FILE}) or an option
     * @param fragments what the message must also say
     */
    record Case(String fixture, List<String> args, int code, String where, List<String> fragments) {
        @Override
        public String toString() {
            return fixture + " " + String.join(" ", args.subList(1, args.size()));
        }
    }

    private static Case net(String fixture, String where, String... fragments) {
        return new Case(fixture, List.of("estimate", FILE), ExitCodes.BAD_INPUT, where, List.of(fragments));
    }

    private static Case solver(String fixture, String where, String... fragments) {
        return new Case(fixture, List.of("estimate", "--solver", FILE), ExitCodes.BAD_INPUT, where, List.of(fragments));
    }

    /** A command-line mistake on the valid net: the option itself is the "where". */
    private static Case usage(String option, List<String> extra, String... fragments) {
        List<String> args = new ArrayList<>(List.of("estimate", FILE));
        args.addAll(extra);
        return new Case("valid-net.prototxt", args, ExitCodes.USAGE, option, List.of(fragments));
    }

    static Stream<Case> cases() {
        return Stream.of(
                // prototxt syntax, as protobuf's text parser refuses it
                net("syntax-unclosed-brace.prototxt", "syntax-unclosed-brace.prototxt:14:1",
                        "expected \"}\" to close \"layer\" opened at 9:1", "end of file"),
                net("syntax-stray-brace.prototxt", "syntax-stray-brace.prototxt:9:1", "no open \"{\" to close"),
                net("syntax-missing-colon.prototxt", "syntax-missing-colon.prototxt:10:8",
                        "expected \":\" after field name \"name\""),
                net("syntax-bad-escape.prototxt", "syntax-bad-escape.prototxt:4:12", "expected an escape sequence", "\\\\q"),
                net("syntax-unterminated-string.prototxt", "syntax-unterminated-string.prototxt:4:9",
                        "to close the string", "end of line"),
                net("syntax-bad-number.prototxt", "syntax-bad-number.prototxt:14:35", "\"16x\""),
                net("syntax-wrong-value-type.prototxt", "syntax-wrong-value-type.prototxt:14:35",
                        "expected a number for field \"num_output\"", "sixteen"),
                net("syntax-duplicate-field.prototxt", "syntax-duplicate-field.prototxt:6:3",
                        "Non-repeated field \"type\" is specified multiple times"),
                net("unknown-field.prototxt", "unknown-field.prototxt:7:3",
                        "Message type \"caffe.LayerParameter\" has no field named \"foo\""),
                net("unknown-enum.prototxt", "unknown-enum.prototxt:14:25",
                        "Unknown enumeration value of \"MEDIAN\" for field \"pool\""),
                net("int32-out-of-range.prototxt", "int32-out-of-range.prototxt:14:25", "int32", "\"axis\"", "out of range"),
                net("uint32-over-int.prototxt", "uint32-over-int.prototxt:14:25", "4294967295", "32-bit int"),
                net("binary.prototxt", "binary.prototxt:3:1", "expected a field name"),

                // files
                net("empty.prototxt", "empty.prototxt", "no layers"),
                net("does-not-exist.prototxt", FILE, "no such file"),
                net(".", FILE, "is a directory"),
                solver("does-not-exist-solver.prototxt", FILE, "no such file"),

                // wiring (Net::Init, InsertSplits, FilterNet, the upgrades)
                net("missing-bottom.prototxt", "missing-bottom.prototxt:12:3", "layer \"conv1\"",
                        "unknown bottom blob \"dta\""),
                net("bottom-before-top.prototxt", "bottom-before-top.prototxt:12:3", "layer \"relu1\"",
                        "unknown bottom blob \"conv1\""),
                net("cycle.prototxt", "cycle.prototxt:13:3", "layer \"a\"", "unknown bottom blob \"b_out\""),
                net("conv-no-bottom.prototxt", "conv-no-bottom.prototxt:9:1", "layer \"conv1\"",
                        "takes at least 1 bottom blob, found 0"),
                net("eltwise-one-bottom.prototxt", "eltwise-one-bottom.prototxt:9:1", "layer \"sum\"",
                        "takes at least 2 bottom blobs, found 1"),
                net("softmaxloss-three-bottoms.prototxt", "softmaxloss-three-bottoms.prototxt:11:1", "layer \"loss\"",
                        "takes exactly 2 bottom blobs, found 3"),
                net("softmaxloss-two-tops.prototxt", "softmaxloss-two-tops.prototxt:10:1", "layer \"loss\"",
                        "second top", "#2968"),
                net("top-two-producers.prototxt", "top-two-producers.prototxt:20:3", "layer \"conv2\"",
                        "top blob \"feat\" produced by multiple sources"),
                net("inplace-after-split.prototxt", "inplace-after-split.prototxt:28:3", "layer \"relu1\"",
                        "top blob \"conv1\" produced by multiple sources"),
                net("include-and-exclude.prototxt", "include-and-exclude.prototxt:9:1", "layer \"relu\"",
                        "include rules or exclude rules, not both"),
                net("layer-without-type.prototxt", "layer-without-type.prototxt:9:1", "layer \"mystery\"", "no type"),
                net("propagate-down-count.prototxt", "propagate-down-count.prototxt:9:1", "layer \"relu\"",
                        "propagate_down", "1 bottoms, 2 propagate_down values"),
                net("legacy-input-dim-count.prototxt", "legacy-input-dim-count.prototxt:4:1",
                        "exactly 4 values per input"),
                net("v1-and-v2-layers.prototxt", "v1-and-v2-layers.prototxt:9:1", "V1 \"layers\" and V2 \"layer\""),
                net("v1-layer-unknown-bottom.prototxt", "v1-layer-unknown-bottom.prototxt:16:1", "layer \"relu1\"",
                        "unknown bottom blob \"conv2\""),
                net("split-of-empty-blob.prototxt", "split-of-empty-blob.prototxt:4:1", "(Split)",
                        "bottom blob \"data\" has no elements"),

                // shapes (each layer's LayerSetUp and Reshape)
                net("conv-kernel-too-large.prototxt", "conv-kernel-too-large.prototxt:9:1", "layer \"conv1\"",
                        "larger than the padded input"),
                net("pool-kernel-too-large.prototxt", "pool-kernel-too-large.prototxt:9:1", "layer \"pool1\"",
                        "kernel 32x32 is larger than the padded input 16x16"),
                net("pool-pad-not-below-kernel.prototxt", "pool-pad-not-below-kernel.prototxt:9:1", "layer \"pool1\"",
                        "must be smaller than the kernel"),
                net("input-zero-dim.prototxt", "input-zero-dim.prototxt:12:3", "layer \"conv1\"",
                        "bottom blob \"data\" has no elements", "2 0 16 16"),
                net("input-negative-dim.prototxt", "input-negative-dim.prototxt:3:1", "layer \"data\"",
                        "negative dimension", "2 3 -16 16"),
                net("input-over-int-max.prototxt", "input-over-int-max.prototxt:3:1", "layer \"data\"",
                        "10000000000 elements", "INT_MAX"),
                net("input-count-wraps-long.prototxt", "input-count-wraps-long.prototxt:3:1", "layer \"data\"", "INT_MAX"),
                net("input-too-many-axes.prototxt", "input-too-many-axes.prototxt:3:1", "layer \"data\"",
                        "33 axes", "kMaxBlobAxes = 32"),
                net("input-dim-over-int.prototxt", "input-dim-over-int.prototxt:3:1", "layer \"data\"",
                        "3000000000", "32-bit int"),
                net("conv-no-num-output.prototxt", "conv-no-num-output.prototxt:9:1", "layer \"conv1\"", "num_output"),
                net("conv-group-not-dividing.prototxt", "conv-group-not-dividing.prototxt:9:1", "layer \"conv1\"",
                        "input channels (3) must be a multiple of group (2)"),
                net("reshape-two-minus-one.prototxt", "reshape-two-minus-one.prototxt:9:1", "layer \"reshape\"",
                        "multiple -1"),
                net("reshape-count-mismatch.prototxt", "reshape-count-mismatch.prototxt:9:1", "layer \"reshape\"",
                        "output count (200", "input count (1536"),
                net("reshape-num-axes-overflow.prototxt", "reshape-num-axes-overflow.prototxt:9:1", "layer \"reshape\"",
                        "axis + num_axes (2147483648)"),
                net("flatten-end-before-start.prototxt", "flatten-end-before-start.prototxt:9:1", "layer \"flat\"",
                        "end_axis (1) comes before axis (2)"),
                net("absval-in-place.prototxt", "absval-in-place.prototxt:9:1", "layer \"abs\"",
                        "does not allow in-place computation"),
                net("split-in-place.prototxt", "split-in-place.prototxt:9:1", "layer \"fork\"",
                        "does not allow in-place computation"),
                net("concat-axis-and-concat-dim.prototxt", "concat-axis-and-concat-dim.prototxt:10:1", "layer \"cat\"",
                        "Either axis or concat_dim should be specified; not both."),
                net("concat-mismatch.prototxt", "concat-mismatch.prototxt:10:1", "layer \"cat\"",
                        "same shape except along the concat axis"),
                net("eltwise-shape-mismatch.prototxt", "eltwise-shape-mismatch.prototxt:10:1", "layer \"sum\"",
                        "Eltwise needs equal shapes"),
                net("slice-point-out-of-range.prototxt", "slice-point-out-of-range.prototxt:9:1", "layer \"slice\"",
                        "slice_point", "[5]"),
                net("slice-dim-out-of-range.prototxt", "slice-dim-out-of-range.prototxt:9:1", "layer \"slice\"",
                        "slice axis 7 out of range"),
                net("softmax-axis-out-of-range.prototxt", "softmax-axis-out-of-range.prototxt:9:1", "layer \"prob\"",
                        "axis 5 out of range"),
                net("batchnorm-on-scalar.prototxt", "batchnorm-on-scalar.prototxt:24:1", "layer \"bn\"", "scalar"),
                net("spp-pyramid-too-high.prototxt", "spp-pyramid-too-high.prototxt:9:1", "layer \"spp\"",
                        "pyramid level too fine"),
                net("filler-xavier-3d-conv.prototxt", "filler-xavier-3d-conv.prototxt:9:1", "layer \"conv1\"",
                        "weight_filler (xavier)", "4 1 3 3 3", "Cannot use legacy accessors on Blobs with > 4 axes."),
                net("pool-not-4-axes.prototxt", "pool-not-4-axes.prototxt:16:1", "layer \"pool1\"",
                        "Input must have 4 axes, corresponding to (num, channels, height, width)"),
                net("lstm-cont-three-axes.prototxt", "lstm-cont-three-axes.prototxt:10:1", "layer \"lstm1\"",
                        "bottom[1] must have exactly 2 axes -- (#timesteps, #streams)"),
                net("loss-weight-count.prototxt", "loss-weight-count.prototxt:9:1", "layer \"relu\"",
                        "loss_weight must be unspecified or specified once per top blob"),
                net("too-many-param-specs.prototxt", "too-many-param-specs.prototxt:9:1", "layer \"conv1\"",
                        "too many param specs: 3 given"),
                net("shared-param-mismatch.prototxt", "shared-param-mismatch.prototxt:17:1", "layer \"conv2\"",
                        "cannot share param \"w\"", "8 3 5 5", "8 3 3 3"),
                net("data-without-input-shape.prototxt", "data-without-input-shape.prototxt:4:1", "layer \"mnist\"",
                        "--input-shape data=C,H,W"),
                net("python-without-top-shape.prototxt", "python-without-top-shape.prototxt:10:1", "layer \"mylayer\"",
                        "unknown layer type \"Python\"", "--top-shape py_out="),

                // nets Caffe builds but aborts on while running (the model's LayerRun.fatal)
                net("stochastic-pooling-train.prototxt", "stochastic-pooling-train.prototxt:17:1", "layer \"pool1\"",
                        "STOCHASTIC pooling is not implemented on CPU"),
                net("threshold-backward.prototxt", "threshold-backward.prototxt:18:1", "layer \"thresh\"",
                        "Threshold has no Backward"),
                net("accuracy-force-backward.prototxt", "accuracy-force-backward.prototxt:18:1", "layer \"accuracy\"",
                        "Accuracy has no Backward", "force_backward"),
                net("hdf5-output-same-file.prototxt", "hdf5-output-same-file.prototxt:17:1", "layer \"out2\"",
                        "Failed to open HDF5 file ./predictions.h5"),
                net("batchreindex-force-backward.prototxt", "batchreindex-force-backward.prototxt:18:1",
                        "layer \"reindex\"", "Cannot backprop to index."),
                net("conv-im2col-over-int-max.prototxt", "conv-im2col-over-int-max.prototxt:10:1", "layer \"conv1\"",
                        "col_buffer", "INT_MAX"),

                // solvers
                solver("solver-type-and-solver_type.prototxt", "solver-type-and-solver_type.prototxt:5:1",
                        "solver_type", "cannot both be specified"),
                solver("solver-missing-net.prototxt", "solver-missing-net.prototxt:2:1",
                        "net file \"no-such-net-anywhere.prototxt\" not found"),
                solver("solver-missing-test-net.prototxt", "solver-missing-test-net.prototxt:3:1",
                        "net file \"no-such-test-net.prototxt\" not found"),
                solver("solver-no-net.prototxt", "solver-no-net.prototxt:1:1", "names no train net"),
                solver("solver-no-test-interval.prototxt", "solver-no-test-interval.prototxt:1:1", "test_interval"),
                solver("solver-unknown-type.prototxt", "solver-unknown-type.prototxt:3:1", "unknown solver type \"Adamax\""),
                solver("solver-test-net-share-mismatch.prototxt", "solver-test-net-share-mismatch.prototxt:25:3",
                        "layer \"ip1\"", "10 192", "10 768", "Cannot share param"),
                solver("valid-net.prototxt", "valid-net.prototxt:2:1",
                        "Message type \"caffe.SolverParameter\" has no field named \"name\""),

                // command-line mistakes: picocli's or caffemem's own, exit 2
                usage("--batch", List.of("--batch", "-1"), "at least 1"),
                usage("--batch", List.of("--batch", "0"), "at least 1"),
                usage("--batch", List.of("--batch", "abc"), "'abc' is not an int"),
                usage("--test-batch", List.of("--test-batch", "0"), "at least 1"),
                usage("--input-shape", List.of("--input-shape", "data"), "expected TOP=C,H,W"),
                usage("--input-shape", List.of("--input-shape", "data=3,x,16"), "positive integers"),
                usage("--input-shape", List.of("--input-shape", "data=3,-16,16"), "positive integers"),
                usage("--top-shape", List.of("--top-shape", "x=99999999999"), "positive integer or N"),
                usage("--format", List.of("--format", "xml"), "'xml'"),
                usage("--memory", List.of("--memory", "12XB"), "unknown size unit \"XB\""),
                usage("--phase", List.of("--phase", "VALIDATE"), "'VALIDATE'"),
                usage("--frobnicate", List.of("--frobnicate"), "Unknown option"),
                usage("Unmatched argument", List.of("second.prototxt"), "second.prototxt"),
                new Case("valid-net.prototxt", List.of("estimate"), ExitCodes.USAGE, "--solver", List.of("give a net prototxt")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGivesOneLineAndTheDocumentedExitCode(Case c) throws Exception {
        Result r = run(args(c));
        String where = c.where().equals(FILE) ? fixture(c.fixture()).toString() : c.where();

        String context = "stdout:\n" + r.out() + "\nstderr:\n" + r.err();
        assertThat(r.code()).as("exit code; %s", context).isEqualTo(c.code());
        assertThat(r.out()).as("nothing on stdout; %s", context).isEmpty();
        List<String> lines = r.err().lines().toList();
        assertThat(lines).as("exactly one line on stderr").hasSize(1);
        String line = lines.get(0);
        assertThat(line).startsWith("caffemem: ")
                .doesNotContain("Exception", "java.", "internal error")
                .contains(where);
        for (String fragment : c.fragments()) {
            assertThat(line).contains(fragment);
        }
    }

    /** The harness can tell success from failure: the valid net estimates cleanly. */
    @Test
    void theValidNetIsEstimated() throws Exception {
        Result r = run(List.of("estimate", fixture("valid-net.prototxt").toString()));

        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("solvernet", "total");
        assertThat(r.err()).isEmpty();
    }

    /** Every fixture file is used by a case and opens with a comment that says what it exercises. */
    @Test
    void everyFixtureIsExercisedAndDescribed() throws Exception {
        Set<String> used = new HashSet<>();
        cases().forEach(c -> used.add(c.fixture()));
        // named by the solver fixtures rather than run on its own
        used.add("valid-net.prototxt");
        List<Path> files;
        try (Stream<Path> s = Files.list(fixture("."))) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        for (Path f : files) {
            assertThat(used).as("a case for %s", f.getFileName()).contains(f.getFileName().toString());
            byte[] bytes = Files.readAllBytes(f);
            String first = new String(bytes, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
            assertThat(first).as("first line of %s", f.getFileName()).matches("# \\S.{10,}");
        }
    }

    private static List<String> args(Case c) throws URISyntaxException {
        String path = fixture(c.fixture()).toString();
        return c.args().stream().map(a -> a.equals(FILE) ? path : a).toList();
    }

    static Path fixture(String name) throws URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(BadInputTest.class.getResource("bad"), "bad/ on the test classpath").toURI());
        return name.equals(".") ? dir : dir.resolve(name);
    }

    /** Runs the command line the way Main does, with stdout and stderr captured. */
    static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.create();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }
}
