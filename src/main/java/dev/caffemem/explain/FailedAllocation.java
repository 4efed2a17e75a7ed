package dev.caffemem.explain;

import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.model.Estimate;
import dev.caffemem.net.NetGraph;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The allocation a run died asking for: Caffe's CaffeMallocHost aborts with "host allocation of size N failed"
 * (include/caffe/syncedmem.hpp) when malloc returns null (an address-space limit, {@code ulimit -v}), and N is the
 * size of one buffer, which the estimate knows by name.
 *
 * @param bytes   the size Caffe asked for
 * @param buffers the estimate's buffers of exactly that size, in words ("Layer3's weights (param diff)")
 */
public record FailedAllocation(long bytes, List<String> buffers) {
    private static final Pattern SIZE = Pattern.compile("allocation of size (\\d+) failed");

    public FailedAllocation {
        buffers = List.copyOf(buffers);
    }

    /** The failed allocation a line names, with the buffers of its size; null if the line names none. */
    static FailedAllocation of(String line, Estimate e, NetGraph train) {
        if (line == null) {
            return null;
        }
        Matcher m = SIZE.matcher(line);
        if (!m.find()) {
            return null;
        }
        long bytes = Long.parseLong(m.group(1));
        Set<String> names = new LinkedHashSet<>();
        for (Allocation a : e.breakdown().allocations()) {
            if (a.bytes() == bytes) {
                names.add(name(a.key(), train));
            }
        }
        return new FailedAllocation(bytes, new ArrayList<>(names));
    }

    private static String name(BufferKey k, NetGraph train) {
        String net = k.testNet() >= 0 ? "test net " + k.testNet() + "'s " : "";
        boolean diff = k.part() == BufferKey.Part.DIFF;
        return switch (k.kind()) {
            case BLOB -> net + "blob " + k.name() + (diff ? "'s gradient (diff)" : " (data)");
            case PARAM -> net + paramLayer(k.index(), k.testNet() < 0 ? train : null)
                    + (diff ? "' gradient (param diff)" : " (param data)");
            case HISTORY -> "the solver's history of one parameter";
            case UPDATE, TEMP -> "the solver's scratch for one parameter";
            case LAYER -> net + "layer " + k.name() + "'s " + k.member();
            default -> k.toString();
        };
    }

    /** "Layer3's weights" for parameter blob {@code id} of the train net. */
    private static String paramLayer(int id, NetGraph train) {
        if (train == null || id < 0 || id >= train.params().size()) {
            return "parameter " + id;
        }
        NetGraph.Param p = train.params().get(id);
        return train.layers().get(p.layer()).name() + "'s " + (p.index() == 0 ? "weights" : "parameter " + p.index());
    }
}
