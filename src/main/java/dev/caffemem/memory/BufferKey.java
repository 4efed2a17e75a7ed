package dev.caffemem.memory;

import java.util.Objects;

/**
 * Which buffer a byte is in: the identity under which the analytical model bills a buffer and the probe's
 * census measures it, so the two are grouped and compared by the same keys. Its text form is stable, e.g.
 * {@code blob/3/conv1/diff}, {@code test0/param/2/data}, {@code solver/history/5/data},
 * {@code layer/1/conv1/col_buffer/data}.
 *
 * @param testNet the solver's test net it belongs to, or -1 for the train (or inference) net and for
 *                buffers of the process (solver state, CUDA context)
 * @param kind    what holds it
 * @param index   the blob's, parameter's, history slot's or layer's index in its net; -1 where none
 * @param name    the blob's or layer's name, or the item's name (CUDA context parts); null where none
 * @param member  a layer's own buffer ({@code col_buffer}, {@code prefetch0/data}); null for other kinds
 * @param part    a Blob's data or diff, or WHOLE for a buffer that is not half of a Blob
 */
public record BufferKey(int testNet, Kind kind, int index, String name, String member, Part part) {

    /** What holds a buffer. */
    public enum Kind {
        /** A blob of the net (an activation; a test net's blobs too). */
        BLOB("blob", true),
        /** A parameter blob of the net. */
        PARAM("param", true),
        /** The solver's history_ (momentum, squared gradients, ...). */
        HISTORY("solver/history", true),
        /** The solver's update_ scratch. */
        UPDATE("solver/update", false),
        /** The solver's temp_ scratch. */
        TEMP("solver/temp", false),
        /** A layer's own Blob members and detached buffers (im2col, masks, prefetch batches). */
        LAYER("layer", false),
        /** C++ objects and malloc's rounding, one per net. */
        OVERHEAD("overhead", false),
        /** cudaMalloc's rounding of one net's device buffers. */
        DEVICE_ROUNDING("deviceRounding", false),
        /** The CUDA context and the libraries' handles. */
        CUDA("cuda", false);

        private final String text;
        private final boolean censused;

        Kind(String text, boolean censused) {
            this.text = text;
            this.censused = censused;
        }
    }

    /** Which half of a Blob ({@code SyncedMemory} data_ or diff_), or WHOLE. */
    public enum Part {
        DATA, DIFF, WHOLE
    }

    public BufferKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(part, "part");
        if (testNet < -1) {
            throw new IllegalArgumentException("test net index " + testNet);
        }
    }

    public static BufferKey blob(int testNet, int id, String name, Part part) {
        return new BufferKey(testNet, Kind.BLOB, id, name, null, part);
    }

    public static BufferKey param(int testNet, int id, Part part) {
        return new BufferKey(testNet, Kind.PARAM, id, null, null, part);
    }

    /** A solver buffer (HISTORY, UPDATE or TEMP) of learnable parameter slot {@code index}. */
    public static BufferKey solver(Kind kind, int index, Part part) {
        if (kind != Kind.HISTORY && kind != Kind.UPDATE && kind != Kind.TEMP) {
            throw new IllegalArgumentException(kind + " is not a solver buffer");
        }
        return new BufferKey(-1, kind, index, null, null, part);
    }

    public static BufferKey layer(int testNet, int layerIndex, String layerName, String member, Part part) {
        return new BufferKey(testNet, Kind.LAYER, layerIndex, layerName, Objects.requireNonNull(member), part);
    }

    public static BufferKey overhead(int testNet) {
        return new BufferKey(testNet, Kind.OVERHEAD, -1, null, null, Part.WHOLE);
    }

    public static BufferKey deviceRounding(int testNet) {
        return new BufferKey(testNet, Kind.DEVICE_ROUNDING, -1, null, null, Part.WHOLE);
    }

    public static BufferKey cuda(String item) {
        return new BufferKey(-1, Kind.CUDA, -1, item, null, Part.WHOLE);
    }

    /**
     * Whether a blob-level census of the real Caffe sees this buffer: the nets' blobs and parameters and
     * the solver's history are reachable from outside; layer internals, the solver's update_ and temp_,
     * and C++ objects are not.
     */
    public boolean censused() {
        return kind.censused;
    }

    /** The same buffer in the solver's test net {@code index} (-1: the main net). */
    public BufferKey inTestNet(int index) {
        return new BufferKey(index, kind, this.index, name, member, part);
    }

    /**
     * The component a census files this buffer under (a test net's buffers are the test net's; the solver's
     * are solver state; a net's blobs and parameters are split by data and diff).
     */
    public Component censusComponent() {
        if (testNet >= 0) {
            return Component.TEST_NET;
        }
        return switch (kind) {
            case BLOB -> part == Part.DIFF ? Component.ACTIVATION_DIFF : Component.ACTIVATION_DATA;
            case PARAM -> part == Part.DIFF ? Component.PARAM_DIFF : Component.PARAM_DATA;
            case HISTORY, UPDATE, TEMP -> Component.SOLVER_STATE;
            default -> throw new IllegalStateException(this + " is not a buffer a census sees");
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (testNet >= 0) {
            sb.append("test").append(testNet).append('/');
        }
        sb.append(kind.text);
        if (kind == Kind.CUDA) {
            return sb.append('/').append(name).toString();
        }
        if (index >= 0) {
            sb.append('/').append(index);
        }
        if (name != null) {
            sb.append('/').append(name);
        }
        if (member != null) {
            sb.append('/').append(member);
        }
        if (part != Part.WHOLE) {
            sb.append('/').append(part == Part.DATA ? "data" : "diff");
        }
        return sb.toString();
    }
}
