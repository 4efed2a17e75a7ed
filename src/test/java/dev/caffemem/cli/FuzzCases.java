package dev.caffemem.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cases of {@link CliFuzzTest}: a real net (the examples, the test fixtures, the validation corpus) or a
 * solver with its net, up to three edits of the kinds that found issue 8's defects (extreme numbers, odd
 * strings, duplicated or deleted layers, changed types, parameters pasted in), and a command line with
 * options drawn from the valid and the broken. A case is a function of its seed alone.
 */
final class FuzzCases {
    /** Stands for the net file's absolute path in a solver and in the options, filled in when written. */
    static final String NET = "{NET}";
    static final String SOLVER = "{SOLVER}";
    static final String DIR = "{DIR}";

    /** A file to start from: a net, or a solver (with NET where it names its train net) and that net. */
    record Base(String name, String net, String solver, List<String> options) {
    }

    /** One case: the files' text and the command line (with the placeholders above). */
    record Case(long seed, String base, String net, String solver, List<String> args, List<String> edits) {
    }

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.\"])-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?(?![\\w.\"])");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
    private static final Pattern LAYER = Pattern.compile("(?m)^\\s*layers? \\{");
    private static final Pattern TYPE = Pattern.compile("type:\\s*\"([^\"]*)\"");
    private static final Pattern SOLVER_NET = Pattern.compile("(?m)^(\\s*(?:train_)?net:\\s*)\"([^\"]*)\"");
    private static final String[] NUMBERS = {"0", "-1", "1", "2", "3", "7", "16", "1000", "2147483647", "2147483648",
        "-2147483648", "4294967295", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "1e39", "-1e39", "1.5", "nan", "inf", "-inf", "0x7fffffff", "010", "1e-45"};
    private static final String[] STRINGS = {"", "\\000", "a\\000b.prototxt", "../../../etc/passwd", "/dev/zero",
        "/nonexistent/x.prototxt", "data", "label", "loss", "conv1", "δ-ünïcode", "a\\nb", "\\\"quoted\\\"", "%s%n",
        "CAFFE", "CUDNN", "MAX", "AVE", "STOCHASTIC", "TEST", "TRAIN", "x".repeat(300)};
    private static final String[] TYPES = {"Convolution", "Deconvolution", "Pooling", "InnerProduct", "ReLU", "Scale",
        "Bias", "BatchNorm", "Reshape", "Flatten", "Slice", "Concat", "Eltwise", "Crop", "Split", "Softmax",
        "SoftmaxWithLoss", "EuclideanLoss", "Accuracy", "LRN", "Dropout", "Input", "Data", "ImageData", "HDF5Data",
        "DummyData", "MemoryData", "Python", "Embed", "ArgMax", "SPP", "Tile", "Reduction", "Power", "NoSuchType", ""};
    private static final String[] SNIPPETS = {
        "scale_param { axis: %d num_axes: %d }", "bias_param { axis: %d num_axes: %d }",
        "reshape_param { shape { dim: %d dim: -1 } axis: %d }", "flatten_param { axis: %d end_axis: %d }",
        "convolution_param { num_output: %d kernel_size: %d stride: 1 }", "convolution_param { pad: %d dilation: %d }",
        "pooling_param { kernel_size: %d stride: %d pool: MAX }", "slice_param { axis: %d slice_point: %d }",
        "concat_param { axis: %d }", "crop_param { axis: %d offset: %d }", "inner_product_param { num_output: %d axis: %d }",
        "softmax_param { axis: %d }", "loss_weight: %d", "propagate_down: true propagate_down: false",
        "include { phase: TEST } exclude { stage: \"x\" }", "param { name: \"shared\" lr_mult: %d }",
        "input_param { shape { dim: %d dim: %d } }", "dummy_data_param { shape { dim: %d dim: %d } }",
        "tile_param { axis: %d tiles: %d }", "embed_param { num_output: %d input_dim: %d }",
        "spp_param { pyramid_height: %d }", "argmax_param { top_k: %d axis: %d }", "bottom: \"data\"", "top: \"data\""};
    /** Option values that every probe or serve case gets one of: each must stop it before anything runs. */
    private static final String[][] STOPPERS = {
        {"--timeout", "0s"}, {"--timeout", "-5m"}, {"--timeout", "99999999999999999h"}, {"--timeout", "1x"},
        {"--timeout", ""}, {"--points", "0,1"}, {"--points", "1"}, {"--points", "a,b"}, {"--points", "2147483648,1"},
        {"--memory-limit", "0x"}, {"--memory-limit", "1ZiB"}, {"--push-gateway", "http://127.0.0.1:99999"},
        {"--push-gateway", "ftp://x"}, {"--push-gateway", "http://127.0.0.1:9", "--job", "j", "--push-timeout", "0ms"},
        {"--device", "tpu:0"}, {"--device", "gpu:0", "--profile", "nosuch"}};

    private final List<Base> bases;
    private final List<Base> good;
    private final List<Base> bad;

    FuzzCases(List<Base> bases) {
        this.bases = List.copyOf(bases);
        this.bad = bases.stream().filter(b -> b.name().contains("/cli/bad/")).toList();
        this.good = bases.stream().filter(b -> !b.name().contains("/cli/bad/")).toList();
    }

    List<Base> bases() {
        return bases;
    }

    Case generate(long seed) {
        Random r = new Random(seed);
        // the fixtures made to fail (cli/bad) one time in five: the others reach further into the model
        List<Base> from = r.nextInt(5) == 0 ? bad : good;
        Base base = from.get(r.nextInt(from.size()));
        boolean onSolver = base.solver() != null && r.nextInt(4) == 0;
        String net = base.net();
        String solver = base.solver();
        List<String> edits = new ArrayList<>();
        // no edit at all one time in four: the options alone, on a net that works
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            if (onSolver) {
                solver = edit(solver, r, edits);
            } else {
                net = edit(net, r, edits);
            }
        }
        return new Case(seed, base.name(), net, solver, FuzzOptions.args(base, r), edits);
    }

    private static String edit(String text, Random r, List<String> edits) {
        if (text.isEmpty()) {
            edits.add("insert a brace into the empty text");
            return "{";
        }
        int roll = r.nextInt(20);
        if (roll < 6) {
            return replace(text, NUMBER, 0, NUMBERS[r.nextInt(NUMBERS.length)], r, edits, "number");
        }
        if (roll < 9) {
            return replace(text, STRING, 1, STRINGS[r.nextInt(STRINGS.length)], r, edits, "string");
        }
        if (roll < 11) {
            return replace(text, TYPE, 1, TYPES[r.nextInt(TYPES.length)], r, edits, "type");
        }
        if (roll < 14) {
            return layerEdit(text, r, edits);
        }
        if (roll < 17) {
            int at = insertPoint(text, r);
            String snippet = SNIPPETS[r.nextInt(SNIPPETS.length)];
            snippet = String.format(java.util.Locale.ROOT, snippet, small(r), small(r));
            edits.add("insert '" + snippet + "' at " + at);
            return text.substring(0, at) + " " + snippet + " " + text.substring(at);
        }
        int at = r.nextInt(text.length());
        return switch (roll) {
            case 17 -> {
                edits.add("delete the character at " + at);
                yield text.substring(0, at) + text.substring(at + 1);
            }
            case 18 -> {
                String chars = "{}:\"#\\\0\n-.e";
                char c = chars.charAt(r.nextInt(chars.length()));
                edits.add("insert char " + (int) c + " at " + at);
                yield text.substring(0, at) + c + text.substring(at);
            }
            default -> {
                List<String> lines = new ArrayList<>(text.lines().toList());
                int a = r.nextInt(lines.size());
                int b = r.nextInt(lines.size());
                edits.add("swap lines " + (a + 1) + " and " + (b + 1));
                String la = lines.get(a);
                lines.set(a, lines.get(b));
                lines.set(b, la);
                yield String.join("\n", lines) + "\n";
            }
        };
    }

    /** Deletes a layer, or copies one next to itself (a fan-out, or tops made twice). */
    private static String layerEdit(String text, Random r, List<String> edits) {
        List<int[]> layers = new ArrayList<>();
        Matcher m = LAYER.matcher(text);
        while (m.find()) {
            int end = closing(text, text.indexOf('{', m.start()));
            if (end > 0) {
                layers.add(new int[] {m.start(), end + 1});
            }
        }
        if (layers.isEmpty()) {
            return replace(text, NUMBER, 0, NUMBERS[r.nextInt(NUMBERS.length)], r, edits, "number");
        }
        int[] l = layers.get(r.nextInt(layers.size()));
        String block = text.substring(l[0], l[1]);
        if (r.nextBoolean()) {
            edits.add("delete the layer at " + l[0]);
            return text.substring(0, l[0]) + text.substring(l[1]);
        }
        int copies = r.nextInt(8) == 0 ? 50 + r.nextInt(200) : 1;
        StringBuilder sb = new StringBuilder(text.substring(0, l[1]));
        for (int i = 0; i < copies; i++) {
            String copy = r.nextBoolean() ? block : block.replaceAll("(name|top):\\s*\"([^\"]*)\"", "$1: \"$2_c" + i + "\"");
            sb.append('\n').append(copy);
        }
        edits.add("copy the layer at " + l[0] + " " + copies + " times");
        return sb.append(text.substring(l[1])).toString();
    }

    private static int closing(String text, int open) {
        int depth = 0;
        for (int i = open; i >= 0 && i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                i = text.indexOf('"', i + 1);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String replace(String text, Pattern p, int group, String with, Random r, List<String> edits, String what) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            spans.add(new int[] {m.start(group), m.end(group)});
        }
        if (spans.isEmpty()) {
            edits.add("no " + what + " to change");
            return text;
        }
        int[] s = spans.get(r.nextInt(spans.size()));
        edits.add(what + " '" + abbreviated(text.substring(s[0], s[1])) + "' at " + s[0] + " -> '" + abbreviated(with) + "'");
        return text.substring(0, s[0]) + with + text.substring(s[1]);
    }

    /** Just after an opening brace, where a field may go. */
    private static int insertPoint(String text, Random r) {
        List<Integer> braces = new ArrayList<>();
        for (int i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) {
            braces.add(i + 1);
        }
        return braces.isEmpty() ? r.nextInt(text.length()) : braces.get(r.nextInt(braces.size()));
    }

    static int small(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Integer.MAX_VALUE - r.nextInt(2);
            case 3 -> r.nextInt();
            default -> 1 + r.nextInt(8);
        };
    }

    static String[] stopper(Random r) {
        return STOPPERS[r.nextInt(STOPPERS.length)];
    }

    private static String abbreviated(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** The examples, the test fixtures and, when given, the validation corpus; solvers come with their net. */
    static List<Base> bases(Path project, Path corpus) {
        List<Path> files = new ArrayList<>();
        for (Path dir : new Path[] {project.resolve("examples"), project.resolve("src/test/resources/dev/caffemem"), corpus}) {
            if (dir != null) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(p -> p.toString().endsWith(".prototxt")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        List<Base> out = new ArrayList<>();
        for (Path f : files) {
            String text = read(f);
            String name = project.relativize(f.toAbsolutePath().normalize()).toString();
            Matcher m = SOLVER_NET.matcher(text);
            if (f.getFileName().toString().contains("solver") && m.find()) {
                Path net = FuzzOptions.resolveNet(f, m.group(2));
                if (net != null) {
                    out.add(new Base(name, read(net), m.replaceFirst("$1\"" + Matcher.quoteReplacement(NET) + "\""),
                            FuzzOptions.inputShapes(name + read(net))));
                    continue;
                }
            }
            out.add(new Base(name, text, null, FuzzOptions.inputShapes(name + text)));
        }
        return out;
    }

    private static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.UTF_8); // malformed bytes replaced
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
