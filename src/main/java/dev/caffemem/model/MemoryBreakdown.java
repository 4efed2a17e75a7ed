package dev.caffemem.model;

import java.util.EnumMap;
import java.util.Map;

/**
 * Bytes by component. The analytical model and the real-Caffe probe both produce one, so the two can
 * be compared field by field. Components are non-negative (checked on construction).
 */
public record MemoryBreakdown(Map<Component, Long> components) {

    public MemoryBreakdown {
        EnumMap<Component, Long> copy = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            long v = components.getOrDefault(c, 0L);
            if (v < 0) {
                throw new IllegalArgumentException(c.jsonName() + " is negative: " + v);
            }
            copy.put(c, v);
        }
        components = java.util.Collections.unmodifiableMap(copy);
    }

    public long bytes(Component c) {
        return components.get(c);
    }

    public long totalBytes() {
        return components.values().stream().mapToLong(Long::longValue).sum();
    }
}
