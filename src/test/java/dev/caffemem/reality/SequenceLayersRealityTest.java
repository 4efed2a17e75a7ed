package dev.caffemem.reality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.model.SolverType;
import dev.caffemem.net.NetSpec;
import dev.caffemem.prototxt.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer types of Caffe 1.0 that came last to caffemem (LSTM, RNN, LSTMUnit, Im2col, BatchReindex,
 * Parameter, HDF5Output, InfogainLoss's second top) against the real Caffe: for each, and for the variants
 * that change what is held (a static input, an exposed hidden state, W_hh shared between two recurrent
 * layers), the first generated net from a seed on that has it, trained with SGD and with Adam and run for
 * inference; and two HDF5Output nets whose datasets are larger than HDF5's sieve buffer and between the
 * tests' floor and it. Each must be blob-exact and within the allocator bound. Rerun from another seed
 * with -Dcaffemem.sequence.seed=S.
 */
class SequenceLayersRealityTest {
    private static final int SEARCH = 3000;

    private static Predicate<List<Message>> type(String type) {
        return layers -> layers.stream().anyMatch(l -> l.getString("type").equals(type));
    }

    private static Predicate<List<Message>> recurrent(Predicate<Message> variant) {
        return layers -> layers.stream().anyMatch(l -> (l.getString("type").equals("LSTM") || l.getString("type").equals("RNN"))
                && variant.test(l));
    }

    /** Two recurrent layers of a net naming one parameter: the second's later timesteps keep their own W_hh. */
    private static boolean sharedAcrossLayers(List<Message> layers) {
        Set<String> names = new java.util.HashSet<>();
        for (Message l : layers) {
            if (!l.getString("type").equals("LSTM") && !l.getString("type").equals("RNN")) {
                continue;
            }
            for (Message p : l.getMessages("param")) {
                if (!p.getString("name").isEmpty() && !names.add(p.getString("name"))) {
                    return true;
                }
            }
        }
        return false;
    }

    static Map<String, Predicate<List<Message>>> features() {
        Map<String, Predicate<List<Message>>> f = new LinkedHashMap<>();
        for (String t : List.of("LSTM", "RNN", "LSTMUnit", "Im2col", "BatchReindex", "Parameter", "HDF5Output")) {
            f.put(t, type(t));
        }
        f.put("LSTM with exposed hidden state", layers -> layers.stream().anyMatch(l -> l.getString("type").equals("LSTM")
                && l.getMessage("recurrent_param").getBool("expose_hidden")));
        f.put("recurrent with static input", recurrent(l -> l.count("bottom") > 2 + (!l.getMessage("recurrent_param")
                .getBool("expose_hidden") ? 0 : l.getString("type").equals("LSTM") ? 2 : 1)));
        f.put("W_hh shared between recurrent layers", SequenceLayersRealityTest::sharedAcrossLayers);
        f.put("InfogainLoss with its second top", layers -> layers.stream().anyMatch(l -> l.getString("type")
                .equals("InfogainLoss") && l.count("top") == 2));
        return f;
    }

    @Test
    void newLayerTypesMatchRealCaffe(@TempDir Path work) {
        long first = Long.getLong("caffemem.sequence.seed", 40_000L);
        Set<Long> seeds = new LinkedHashSet<>();
        for (Map.Entry<String, Predicate<List<Message>>> f : features().entrySet()) {
            Long found = null;
            for (long seed = first; seed < first + SEARCH && found == null; seed++) {
                if (f.getValue().test(RandomNets.net(seed).getMessages("layer"))) {
                    found = seed;
                }
            }
            assertThat(found).as("a generated net with %s among seeds %d to %d", f.getKey(), first, first + SEARCH - 1)
                    .isNotNull();
            System.out.println("SequenceLayersRealityTest: " + f.getKey() + ": seed " + found);
            seeds.add(found);
        }
        List<RealityCheck.Case> cases = new ArrayList<>();
        for (long seed : seeds) {
            Message net = RandomNets.net(seed);
            cases.add(new RealityCheck.Case("random net seed " + seed, net, SolverType.SGD, 2));
            cases.add(new RealityCheck.Case("random net seed " + seed, net, SolverType.ADAM, 3).withTestNet());
            cases.add(new RealityCheck.Case("random net seed " + seed, net, SolverType.SGD, 2).inference());
        }
        for (String shape : List.of("dim: 4 dim: 3 dim: 40 dim: 40", "dim: 4 dim: 3 dim: 20 dim: 20")) {
            Message net = NetSpec.parse("layer { name: 'in' type: 'Input' top: 'x' top: 'y' input_param { shape { " + shape
                    + " } shape { dim: 4 } } }\nlayer { name: 'c' type: 'Convolution' bottom: 'x' top: 'c' convolution_param {"
                    + " num_output: 3 kernel_size: 1 } }\nlayer { name: 'out' type: 'HDF5Output' bottom: 'c' bottom: 'y'"
                    + " hdf5_output_param { file_name: 'written.h5' } }\n", "hdf5-" + shape.replace(" ", ""));
            cases.add(new RealityCheck.Case("HDF5Output of " + shape, net, SolverType.NESTEROV, 4));
        }
        RealityAssertions.assertAll(RealityCheck.run(cases, work, 6000, Duration.ofMinutes(10)));
    }
}
