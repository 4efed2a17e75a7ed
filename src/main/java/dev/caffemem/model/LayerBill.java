package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.net.Shape;
import java.util.List;
import java.util.Map;

/** One layer's share of the bill: the buffers attributed to it, by component, in bytes. */
public record LayerBill(String name, String type, List<Top> tops, Map<Component, Long> components) {

    /** A top blob and its shape. */
    public record Top(String name, Shape shape) {
    }

    public LayerBill {
        tops = List.copyOf(tops);
        components = Map.copyOf(components);
    }

    public long totalBytes() {
        return components.values().stream().mapToLong(Long::longValue).sum();
    }

    public long bytes(Component c) {
        return components.getOrDefault(c, 0L);
    }
}
