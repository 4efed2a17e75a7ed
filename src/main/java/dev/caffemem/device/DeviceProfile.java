package dev.caffemem.device;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One GPU as caffemem sees it: what its maker says (capacity, compute capability) and what a calibration measured
 * on it (CUDA context, library handles, cuDNN workspaces, allocation granularity), with where those measurements
 * came from. Schema version {@value DeviceProfiles#SCHEMA}; the fields are documented in {@code profiles/README.md}.
 * Every byte count is in bytes; a null overhead is unknown (not measured), never zero.
 */
@JsonPropertyOrder({"schema", "name", "vendor", "model", "formFactors", "architecture", "computeCapability", "memory",
    "overheads", "provenance", "notes"})
public record DeviceProfile(Integer schema, String name, String vendor, String model, List<String> formFactors,
                            String architecture, String computeCapability, Memory memory, Overheads overheads,
                            Provenance provenance, List<String> notes) {

    /** What a profile name may look like; also the file name, less ".yaml". */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern COMPUTE_CAPABILITY = Pattern.compile("[1-9][0-9]?\\.[0-9]");

    public DeviceProfile {
        formFactors = formFactors == null ? List.of() : List.copyOf(formFactors);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /**
     * @param capacityBytes what the maker publishes, in bytes (GPU memory figures are binary: "16 GB" is 16 GiB)
     * @param usableBytes   the total {@code cudaMemGetInfo} reports on a real board (less: ECC, reservations), or null
     */
    @JsonPropertyOrder({"type", "capacityBytes", "usableBytes"})
    public record Memory(String type, Long capacityBytes, Long usableBytes) {
    }

    /**
     * What a process pays on the device besides Caffe's own buffers. {@code cudnnWorkspaceBytes} maps a layer type
     * (as in the prototxt) to the largest workspace one layer of that type held.
     */
    @JsonPropertyOrder({"calibrated", "cudaContextBytes", "cublasHandleBytes", "curandGeneratorBytes", "cudnnHandleBytes",
        "allocationGranularityBytes", "cudnnWorkspaceBytes"})
    public record Overheads(Boolean calibrated, Long cudaContextBytes, Long cublasHandleBytes, Long curandGeneratorBytes,
                            Long cudnnHandleBytes, Long allocationGranularityBytes,
                            Map<String, Long> cudnnWorkspaceBytes) {
        public Overheads {
            // LinkedHashMap, not Map.copyOf: keeps the file's order and allows null values (unknown)
            cudnnWorkspaceBytes = cudnnWorkspaceBytes == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cudnnWorkspaceBytes));
        }
    }

    /** Who measured the overheads, when, and with what software; all null while not calibrated. */
    @JsonPropertyOrder({"calibrated", "date", "driver", "cuda", "cudnn", "caffe", "measuredBy", "method"})
    public record Provenance(Boolean calibrated, String date, String driver, String cuda, String cudnn, String caffe,
                             String measuredBy, String method) {
    }

    /** Usable bytes when a calibration measured them, else the maker's capacity. */
    public long effectiveCapacityBytes() {
        return memory.usableBytes() != null ? memory.usableBytes() : memory.capacityBytes();
    }

    public boolean calibrated() {
        return Boolean.TRUE.equals(overheads.calibrated());
    }

    /** Every rule a profile must satisfy, as messages naming the field; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (schema == null) {
            problems.add("schema: missing (this caffemem reads schema " + DeviceProfiles.SCHEMA + ")");
        } else if (schema != DeviceProfiles.SCHEMA) {
            problems.add("schema: " + schema + " is not " + DeviceProfiles.SCHEMA + ", the only version this caffemem reads");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name: " + (name == null ? "missing" : "\"" + name + "\"")
                    + " (lower-case letters, digits, '.', '_' and '-', e.g. v100-16gb)");
        }
        if (model == null || model.isBlank()) {
            problems.add("model: missing");
        }
        if (computeCapability != null && !COMPUTE_CAPABILITY.matcher(computeCapability).matches()) {
            problems.add("computeCapability: \"" + computeCapability + "\" (expected MAJOR.MINOR, e.g. \"7.0\")");
        }
        memoryProblems(problems);
        overheadProblems(problems);
        provenanceProblems(problems);
        return problems;
    }

    private void memoryProblems(List<String> problems) {
        if (memory == null) {
            problems.add("memory: missing");
            return;
        }
        if (memory.capacityBytes() == null || memory.capacityBytes() <= 0) {
            problems.add("memory.capacityBytes: must be a positive number of bytes");
        } else if (memory.usableBytes() != null
                && (memory.usableBytes() <= 0 || memory.usableBytes() > memory.capacityBytes())) {
            problems.add("memory.usableBytes: " + memory.usableBytes() + " must be positive and at most capacityBytes ("
                    + memory.capacityBytes() + ")");
        }
    }

    private void overheadProblems(List<String> problems) {
        if (overheads == null) {
            problems.add("overheads: missing");
            return;
        }
        if (overheads.calibrated() == null) {
            problems.add("overheads.calibrated: missing (true or false)");
        }
        nonNegative(problems, "overheads.cudaContextBytes", overheads.cudaContextBytes());
        nonNegative(problems, "overheads.cublasHandleBytes", overheads.cublasHandleBytes());
        nonNegative(problems, "overheads.curandGeneratorBytes", overheads.curandGeneratorBytes());
        nonNegative(problems, "overheads.cudnnHandleBytes", overheads.cudnnHandleBytes());
        if (overheads.allocationGranularityBytes() != null && overheads.allocationGranularityBytes() <= 0) {
            problems.add("overheads.allocationGranularityBytes: must be positive (or null: unknown)");
        }
        overheads.cudnnWorkspaceBytes().forEach((kind, bytes) -> {
            if (kind.isBlank()) {
                problems.add("overheads.cudnnWorkspaceBytes: a layer type with no name");
            }
            nonNegative(problems, "overheads.cudnnWorkspaceBytes." + kind, bytes);
        });
        if (calibrated() && overheads.cudaContextBytes() == null) {
            problems.add("overheads.cudaContextBytes: a calibrated profile must have it");
        }
    }

    private void provenanceProblems(List<String> problems) {
        if (provenance == null) {
            problems.add("provenance: missing");
            return;
        }
        boolean measured = Boolean.TRUE.equals(provenance.calibrated());
        if (overheads != null && overheads.calibrated() != null && measured != calibrated()) {
            problems.add("provenance.calibrated: " + measured + " disagrees with overheads.calibrated: " + calibrated());
        }
        if (provenance.date() != null && !isDate(provenance.date())) {
            problems.add("provenance.date: \"" + provenance.date() + "\" (expected ISO-8601, e.g. 2025-01-31 or "
                    + "2025-01-31T12:00:00Z)");
        }
        if (measured) {
            for (Map.Entry<String, String> field : Map.of("date", nullToEmpty(provenance.date()),
                    "driver", nullToEmpty(provenance.driver()), "cuda", nullToEmpty(provenance.cuda()),
                    "cudnn", nullToEmpty(provenance.cudnn()), "measuredBy", nullToEmpty(provenance.measuredBy()))
                    .entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                if (field.getValue().isBlank()) {
                    problems.add("provenance." + field.getKey() + ": a calibrated profile must say it");
                }
            }
        }
    }

    private static void nonNegative(List<String> problems, String field, Long bytes) {
        if (bytes != null && bytes < 0) {
            problems.add(field + ": " + bytes + " is negative");
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static boolean isDate(String text) {
        try {
            java.time.LocalDate.parse(text);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            try {
                java.time.OffsetDateTime.parse(text);
                return true;
            } catch (java.time.format.DateTimeParseException e2) {
                return false;
            }
        }
    }
}
