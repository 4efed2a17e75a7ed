package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid prototxts at random (deleting, duplicating and inserting characters) and checks
 * that the parser either succeeds or throws PrototxtException, never anything else, and that
 * what it accepts survives a round trip. Set -Dprototxt.fuzz.seed=N to replay a failure and
 * -Dprototxt.fuzz.rounds=N for a longer run.
 */
class FuzzTest {

    private static final int ROUNDS = Integer.getInteger("prototxt.fuzz.rounds", 10_000);
    private static final String INSERTABLE = "{}[]<>:;,\"'\\#-+.0123456789xeEfF_ \n\tabcLAYER\u0000é";

    @Test
    void parserOnlyEverThrowsPrototxtException() throws IOException {
        long seed = Long.getLong("prototxt.fuzz.seed", System.nanoTime());
        System.out.println("FuzzTest seed: " + seed + " (replay with -Dprototxt.fuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        List<String[]> inputs = inputs();
        int accepted = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String[] input = inputs.get(random.nextInt(inputs.size()));
            String mutated = mutate(input[1], random);
            MessageType root = Fixtures.rootFor(input[0]);
            try {
                Message m = TextFormat.parse(mutated, input[0], root);
                accepted++;
                assertThat(TextFormat.parse(TextFormat.print(m), "printed", root))
                        .as("round trip, seed " + seed + ", round " + round).isEqualTo(m);
            } catch (PrototxtException e) {
                checkPosition(e, mutated, seed, round);
            } catch (RuntimeException | StackOverflowError e) {
                fail("seed " + seed + ", round " + round + ": " + e + " for input:\n" + mutated, e);
            }
        }
        System.out.println("FuzzTest: " + accepted + " of " + ROUNDS + " mutants parsed");
    }

    private static void checkPosition(PrototxtException e, String text, long seed, int round) {
        int lines = (int) text.chars().filter(c -> c == '\n').count() + 1;
        assertThat(e.pos().line()).as("line, seed " + seed + ", round " + round).isBetween(1, lines);
        assertThat(e.pos().column()).as("column, seed " + seed + ", round " + round).isPositive();
        assertThat(e.getMessage()).as("one line, seed " + seed + ", round " + round).doesNotContain("\n");
    }

    private static String mutate(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && out.length() > 0; i++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(3)) {
                case 0 -> out.delete(at, Math.min(out.length(), at + 1 + random.nextInt(3)));
                case 1 -> {
                    int end = Math.min(out.length(), at + 1 + random.nextInt(20));
                    out.insert(at, out.substring(at, end));
                }
                default -> out.insert(at, INSERTABLE.charAt(random.nextInt(INSERTABLE.length())));
            }
        }
        return out.toString();
    }

    /** Fixtures plus a few small real files, as {name, text}. */
    private static List<String[]> inputs() throws IOException {
        // without the corpus this would fuzz fewer inputs and say nothing
        dev.caffemem.testing.Prerequisites.requireCorpus();
        List<String[]> inputs = new ArrayList<>();
        for (String name : Fixtures.NAMES) {
            inputs.add(new String[] {name, Fixtures.text(name)});
        }
        for (Path file : Fixtures.caffeModelFiles()) {
            if (Files.size(file) < 20_000) {
                inputs.add(new String[] {file.getFileName().toString(), Files.readString(file)});
            }
        }
        return inputs;
    }
}
