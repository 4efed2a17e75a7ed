package dev.caffemem.model;

import dev.caffemem.net.Shape;

/** A blob in the simulation: a shape and its data and diff buffers (possibly shared with other blobs). */
public final class SimBlob {
    private final String name;
    private final Shape shape;
    Buffer data;
    Buffer diff;

    SimBlob(String name, Shape shape, Buffer data, Buffer diff) {
        this.name = name;
        this.shape = shape;
        this.data = data;
        this.diff = diff;
    }

    public String name() {
        return name;
    }

    public Shape shape() {
        return shape;
    }

    public long count() {
        return shape.count();
    }

    public Buffer data() {
        return data;
    }

    public Buffer diff() {
        return diff;
    }

    /** {@code cpu_data()} or {@code mutable_cpu_data()}: either allocates on first use. */
    public void touchData() {
        data.touch();
    }

    public void touchDiff() {
        diff.touch();
    }

    /** {@code mutable_cpu_data()} taken and never written: allocated (calloc), not resident. */
    public void allocateData() {
        data.allocateOnly();
    }

    /** {@code mutable_cpu_diff()} taken and never written: allocated (calloc), not resident. */
    public void allocateDiff() {
        diff.allocateOnly();
    }
}
