package dev.caffemem.net;

import dev.caffemem.prototxt.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Caffe's {@code NetState}: the phase, level and stages that include/exclude rules are tested
 * against ({@code Net::StateMeetsRule} and {@code Net::FilterNet} in src/caffe/net.cpp).
 */
public record NetState(Phase phase, int level, List<String> stages) {

    public NetState {
        stages = List.copyOf(stages);
    }

    public static NetState of(Phase phase) {
        return new NetState(phase, 0, List.of());
    }

    /** The state a net runs in: its own {@code state} message merged with a phase and extra stages (protobuf MergeFrom). */
    public static NetState merged(Message netState, Phase phase, List<String> extraStages) {
        List<String> stages = new ArrayList<>(netState.getStrings("stage"));
        stages.addAll(extraStages);
        return new NetState(phase, netState.getInt("level"), stages);
    }

    /** {@code Net::StateMeetsRule}: every condition the rule sets must hold. */
    public boolean meets(Message rule) {
        if (rule.has("phase") && !rule.getEnum("phase").equals(phase.name())) {
            return false;
        }
        if (rule.has("min_level") && level < rule.getInt("min_level")) {
            return false;
        }
        if (rule.has("max_level") && level > rule.getInt("max_level")) {
            return false;
        }
        for (String stage : rule.getStrings("stage")) {
            if (!stages.contains(stage)) {
                return false;
            }
        }
        for (String stage : rule.getStrings("not_stage")) {
            if (stages.contains(stage)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code Net::FilterNet} for one layer: included by default unless an exclude rule is met;
     * with include rules, included only if one is met.
     */
    public boolean includes(Message layer) {
        List<Message> include = layer.getMessages("include");
        List<Message> exclude = layer.getMessages("exclude");
        if (!include.isEmpty() && !exclude.isEmpty()) {
            throw new NetException(layer.pos(), "layer \"" + layer.getString("name")
                    + "\": specify either include rules or exclude rules, not both");
        }
        if (include.isEmpty()) {
            return exclude.stream().noneMatch(this::meets);
        }
        return include.stream().anyMatch(this::meets);
    }
}
