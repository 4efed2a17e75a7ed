package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever small damage is done to a valid net or solver, {@code caffemem estimate} either
 * succeeds (exit 0, a report on stdout) or fails as documented (exit 2 or 3, nothing on stdout, one
 * stderr line starting with "caffemem: "); never exit 4 (INTERNAL), never a stack trace, never a hang.
 *
 * <p>The mutants come from examples/seed (train_val.prototxt and the solver next to it), 500 of them
 * from one master seed: {@code -Dcaffemem.mutation.seed=N} picks another master seed, and
 * {@code -Dcaffemem.mutation.case=N} replays the single mutant that a failure report names.
 */
class MutationPropertyTest {

    private static final int MUTANTS = 500;
    private static final long MASTER_SEED = Long.getLong("caffemem.mutation.seed", 0x5EED_CAFFEL);
    private static final Long ONE_CASE = Long.getLong("caffemem.mutation.case");
    /**
     * A mutant's estimate takes milliseconds; this only catches loops sized by a mutated number: a bound for
     * a hang, generous enough for a busy machine, not a timing check.
     */
    private static final Duration PER_MUTANT = Duration.ofSeconds(120);

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.])-?\\d+(?:\\.\\d+)?(?![\\w.])");
    private static final Pattern BOTTOM = Pattern.compile("bottom:\\s*\"([^\"]*)\"");
    private static final Pattern TOP = Pattern.compile("top:\\s*\"([^\"]*)\"");
    private static final String INSERTABLE = "{}[]<>:;,\"'\\#-.0123456789 \n\tabcxyzEN_";

    /** One mutated pair of files, how it was made, and the command line it runs with. */
    record Mutant(long seed, String net, String solver, List<String> edits, List<String> options) {
        Mutant {
            options = List.copyOf(options);
        }
    }

    @Test
    void mutatedSeedNetsFailCleanlyOrSucceed(@TempDir Path dir) throws IOException {
        Path seed = examples();
        String net = Files.readString(seed.resolve("train_val.prototxt"));
        String solver = Files.readString(seed.resolve("solver.prototxt"));
        // the unmutated pair must succeed, or the property below would hold for the wrong reason
        Outcome original = check(new Mutant(0, net, solver, List.of("(none)"), List.of("--solver")), dir);
        assertThat(original.code()).as("%s", original.failure()).isEqualTo(ExitCodes.OK);

        List<Long> seeds = new ArrayList<>();
        if (ONE_CASE != null) {
            seeds.add(ONE_CASE);
        } else {
            Random master = new Random(MASTER_SEED);
            for (int i = 0; i < MUTANTS; i++) {
                seeds.add(master.nextLong());
            }
        }
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> codes = new TreeMap<>();
        for (long s : seeds) {
            Outcome o = check(mutant(s, net, solver), dir);
            if (o.failure() != null) {
                failures.add(o.failure());
            }
            codes.merge(o.code(), 1, Integer::sum);
        }
        System.out.println("MutationPropertyTest: " + seeds.size() + " mutants (master seed " + MASTER_SEED
                + "), exit codes " + codes);
        int succeeded = codes.getOrDefault(ExitCodes.OK, 0);
        assertThat(failures).as("%d of %d mutants (master seed %d) broke the property; the first ones:%n%s",
                failures.size(), seeds.size(), MASTER_SEED,
                String.join("\n", failures.subList(0, Math.min(3, failures.size())))).isEmpty();
        if (ONE_CASE == null) {
            // a mutator that broke everything, or nothing, would test little
            assertThat(succeeded).as("mutants that still estimate").isBetween(MUTANTS / 50, MUTANTS - MUTANTS / 10);
        }
    }

    /**
     * What one mutant did.
     *
     * @param code    its exit code, or -1 when execute() did not return
     * @param failure null when the property holds, otherwise a report to reproduce it
     */
    record Outcome(int code, String failure) {
    }

    private static Outcome check(Mutant m, Path dir) throws IOException {
        Path netFile = dir.resolve("train_val.prototxt");
        Path solverFile = dir.resolve("solver.prototxt");
        Files.writeString(netFile, m.net(), StandardCharsets.UTF_8);
        Files.writeString(solverFile, m.solver(), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("estimate", netFile.toString()));
        for (String o : m.options()) {
            args.add(o);
            if (o.equals("--solver")) {
                args.add(solverFile.toString());
            }
        }
        BadInputTest.Result r;
        try {
            r = assertTimeoutPreemptively(PER_MUTANT, () -> BadInputTest.run(args));
        } catch (Throwable t) {
            // an Error escaping execute(), or the timeout
            return new Outcome(-1, report(m, args, "threw " + t, null));
        }
        List<String> lines = r.err().lines().toList();
        String problem = null;
        if (r.code() == ExitCodes.OK) {
            if (!r.out().contains("Total:") || !r.err().isEmpty()) {
                problem = "exit 0 without a report on stdout, or with something on stderr";
            }
        } else if (r.code() != ExitCodes.BAD_INPUT && r.code() != ExitCodes.USAGE) {
            problem = "exit code " + r.code() + " (documented for bad input: 2 or 3)";
        } else if (!r.out().isEmpty()) {
            problem = "failed but printed on stdout";
        } else if (lines.size() != 1 || !lines.get(0).startsWith("caffemem: ")) {
            problem = "stderr is not one line starting with \"caffemem: \"";
        } else if (lines.get(0).contains("Exception") || lines.get(0).contains("\tat ")) {
            problem = "stderr names an exception";
        } else if (!lines.get(0).contains(".prototxt") && !lines.get(0).contains("layer \"")
                && !(r.code() == ExitCodes.USAGE && lines.get(0).contains("--"))) {
            problem = "the message names no file, layer or option";
        }
        return new Outcome(r.code(), problem == null ? null : report(m, args, problem, r));
    }

    private static String report(Mutant m, List<String> args, String problem, BadInputTest.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("== mutant seed ").append(m.seed()).append(" (replay with -Dcaffemem.mutation.case=").append(m.seed())
                .append("): ").append(problem).append('\n');
        sb.append("edits: ").append(String.join("; ", m.edits())).append('\n');
        sb.append("command: caffemem ").append(String.join(" ", args)).append('\n');
        if (r != null) {
            sb.append("exit ").append(r.code()).append("\nstderr:\n").append(r.err()).append("stdout:\n").append(r.out()).append('\n');
        }
        sb.append("--- train_val.prototxt ---\n").append(m.net()).append('\n');
        sb.append("--- solver.prototxt ---\n").append(m.solver()).append('\n');
        return sb.toString();
    }

    /** One to three edits to the net, or (one time in five) to the solver; and how to run it. */
    static Mutant mutant(long seed, String net, String solver) {
        Random r = new Random(seed);
        List<String> edits = new ArrayList<>();
        boolean onSolver = r.nextInt(5) == 0;
        String text = onSolver ? solver : net;
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            text = edit(text, r, edits);
        }
        List<String> options = new ArrayList<>(switch (r.nextInt(5)) {
            case 0 -> List.of();
            case 1 -> List.of("--phase", "TEST");
            default -> List.of("--solver");
        });
        if (onSolver && !options.contains("--solver")) {
            options = new ArrayList<>(List.of("--solver"));
        }
        if (r.nextInt(5) == 0) {
            // the batch replaces batch_size everywhere, so a wild one reaches every shape
            options.addAll(List.of("--batch", Long.toString(randomInt(r))));
        }
        return new Mutant(seed, onSolver ? net : text, onSolver ? text : solver, edits, options);
    }

    private static String edit(String text, Random r, List<String> edits) {
        if (text.isEmpty()) {
            edits.add("insert into empty text");
            return String.valueOf(INSERTABLE.charAt(r.nextInt(INSERTABLE.length())));
        }
        int at = r.nextInt(text.length());
        // weighted towards the edits that keep the file parseable and reach the net's semantics
        int roll = r.nextInt(20);
        int kind = roll < 2 ? 0 : roll < 4 ? 1 : roll < 6 ? 2 : roll < 8 ? 3 : roll < 15 ? 4 : 5;
        switch (kind) {
            case 0 -> {
                edits.add("delete " + shown(text.charAt(at)) + " at " + at);
                return text.substring(0, at) + text.substring(at + 1);
            }
            case 1 -> {
                edits.add("duplicate " + shown(text.charAt(at)) + " at " + at);
                return text.substring(0, at + 1) + text.substring(at);
            }
            case 2 -> {
                char c = INSERTABLE.charAt(r.nextInt(INSERTABLE.length()));
                edits.add("insert " + shown(c) + " at " + at);
                return text.substring(0, at) + c + text.substring(at);
            }
            case 3 -> {
                List<String> lines = new ArrayList<>(text.lines().toList());
                int a = r.nextInt(lines.size());
                int b = r.nextInt(lines.size());
                edits.add("swap lines " + (a + 1) + " and " + (b + 1));
                String la = lines.get(a);
                lines.set(a, lines.get(b));
                lines.set(b, la);
                return String.join("\n", lines) + "\n";
            }
            case 4 -> {
                List<MatchSpan> numbers = spans(NUMBER.matcher(text), 0);
                if (numbers.isEmpty()) {
                    return edit(text, r, edits);
                }
                MatchSpan s = numbers.get(r.nextInt(numbers.size()));
                long value = randomInt(r);
                edits.add("number " + text.substring(s.start(), s.end()) + " at " + s.start() + " -> " + value);
                return text.substring(0, s.start()) + value + text.substring(s.end());
            }
            default -> {
                List<MatchSpan> bottoms = spans(BOTTOM.matcher(text), 1);
                if (bottoms.isEmpty()) {
                    return edit(text, r, edits);
                }
                MatchSpan s = bottoms.get(r.nextInt(bottoms.size()));
                List<String> names = new ArrayList<>(List.of("", "nowhere", "loss", "label", "data"));
                Matcher tops = TOP.matcher(text);
                while (tops.find()) {
                    names.add(tops.group(1));
                }
                String name = names.get(r.nextInt(names.size()));
                edits.add("bottom \"" + text.substring(s.start(), s.end()) + "\" at " + s.start() + " -> \"" + name + "\"");
                return text.substring(0, s.start()) + name + text.substring(s.end());
            }
        }
    }

    private record MatchSpan(int start, int end) {
    }

    private static List<MatchSpan> spans(Matcher m, int group) {
        List<MatchSpan> out = new ArrayList<>();
        while (m.find()) {
            out.add(new MatchSpan(m.start(group), m.end(group)));
        }
        return out;
    }

    /** Zero, one, negatives, small and huge values: the numbers that break shape arithmetic. */
    private static long randomInt(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> -1 - r.nextInt(1000);
            case 3 -> 1;
            case 4 -> 2 + r.nextInt(15);
            case 5 -> 1 + r.nextInt(1000);
            case 6 -> Integer.MAX_VALUE - r.nextInt(3);
            default -> r.nextInt();
        };
    }

    private static String shown(char c) {
        return c == '\n' ? "'\\n'" : c == '\t' ? "'\\t'" : "'" + c + "'";
    }

    private static Path examples() {
        Path base = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        for (Path p = base; p != null; p = p.getParent()) {
            Path seed = p.resolve("examples/seed");
            if (Files.isRegularFile(seed.resolve("train_val.prototxt"))) {
                return seed;
            }
        }
        throw new IllegalStateException("examples/seed not found from " + base);
    }
}
