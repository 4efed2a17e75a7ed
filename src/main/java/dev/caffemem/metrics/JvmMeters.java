package dev.caffemem.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;

/**
 * The agent's JVM meters: micrometer's binders (memory, GC, threads, classes, CPU, uptime, file
 * descriptors), with the two series whose names Prometheus' naming rules refuse put right, so that
 * {@code promtool check metrics} accepts the scrape:
 * <ul>
 * <li>{@code process.cpu.time} has base unit "ns" and came out as {@code process_cpu_time_ns_total}
 * (an abbreviated, non-base unit). It is dropped, and the same reading is exported in seconds under
 * the name client_java's standard exports use, {@code process_cpu_seconds_total}.</li>
 * <li>{@code system.cpu.count} came out as {@code system_cpu_count}, a gauge ending in {@code _count},
 * a suffix the format reserves for summaries and histograms. It is renamed {@code system_cpus_available}
 * (the processors available to the JVM).</li>
 * </ul>
 */
final class JvmMeters implements AutoCloseable {
    static final String CPU_TIME_NS = "process.cpu.time";
    static final String CPU_COUNT = "system.cpu.count";
    static final String CPUS_AVAILABLE = "system.cpus.available";

    private final JvmGcMetrics gc = new JvmGcMetrics();

    private JvmMeters() {
    }

    /** Binds every JVM meter to {@code registry}; close the result to stop listening to GC events. */
    static JvmMeters bindTo(MeterRegistry registry) {
        // filters act on meters registered after them, so they go in before the binders
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals(CPU_TIME_NS)))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals(CPU_COUNT) ? id.withName(CPUS_AVAILABLE) : id;
                    }
                });
        JvmMeters m = new JvmMeters();
        new JvmMemoryMetrics().bindTo(registry);
        m.gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        cpuSeconds(registry);
        return m;
    }

    /** The process's CPU time in seconds, where the JVM reports it (HotSpot's OperatingSystemMXBean does). */
    private static void cpuSeconds(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", os, b -> b.getProcessCpuTime() / 1e9)
                    .description("CPU time (user and system) the agent's JVM has used").baseUnit("seconds")
                    .register(registry);
        }
    }

    @Override
    public void close() {
        gc.close();
    }
}
