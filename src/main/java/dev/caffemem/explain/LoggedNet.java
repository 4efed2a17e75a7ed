package dev.caffemem.explain;

import dev.caffemem.net.Shape;
import java.util.List;

/**
 * One net whose setup the log shows: which of the run's nets it is, its definition as Caffe printed it (when the
 * log has it), and each layer's logged top shapes and running "Memory required for data" figure.
 *
 * @param role     TRAIN, TEST (a solver's test net, or the one net of {@code caffe test}) or UNKNOWN (an excerpt
 *                 that starts inside a net's setup)
 * @param testNet  the solver's test net number for a solver's TEST net, else -1
 * @param block    the "Initializing net from parameters:" text, or null
 * @param layers   the layers set up, in order
 * @param complete whether the log shows the net's setup to its end ("Network initialization done.")
 */
public record LoggedNet(Role role, int testNet, Block block, List<Layer> layers, boolean complete) {

    /** Which net of the run. */
    public enum Role {
        TRAIN, TEST, UNKNOWN
    }

    /**
     * A DebugString block: the message that opens it and the text that follows it, line for line.
     *
     * @param line the glog line that opens it ("Initializing net from parameters:")
     * @param text the block's lines (prefixes taken off), joined by newlines
     */
    public record Block(GlogLine line, String text) {
    }

    /**
     * One layer's setup as logged.
     *
     * @param name        the layer's name
     * @param line        the log's line that names it first
     * @param topShapes   each "Top shape:" line's dimensions ("(1)" is a scalar)
     * @param memoryBytes the "Memory required for data" figure after it (a running sum over the net), or -1
     * @param memoryLine  the line of that figure, or -1
     */
    public record Layer(String name, int line, List<Shape> topShapes, long memoryBytes, int memoryLine) {
        public Layer {
            topShapes = List.copyOf(topShapes);
        }
    }

    public LoggedNet {
        layers = List.copyOf(layers);
    }

    /** "the train net", "test net 0", "the net". */
    public String label() {
        return switch (role) {
            case TRAIN -> "the train net";
            case TEST -> testNet >= 0 ? "test net " + testNet : "the net";
            case UNKNOWN -> "a net";
        };
    }

    /** The last logged "Memory required for data" figure: Caffe's own count for the whole net once complete. */
    public long memoryBytes() {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i).memoryBytes() >= 0) {
                return layers.get(i).memoryBytes();
            }
        }
        return -1;
    }

    public LoggedNet withRole(Role r, int test) {
        return new LoggedNet(r, test, block, layers, complete);
    }
}
