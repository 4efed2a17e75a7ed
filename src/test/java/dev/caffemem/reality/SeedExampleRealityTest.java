package dev.caffemem.reality;

import dev.caffemem.model.SolverType;
import dev.caffemem.net.NetSpec;
import dev.caffemem.prototxt.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's net from the seed question, trained for one real Caffe step at batch 1, 2 and 4 with
 * SGD and with Adam: the estimate must equal what Caffe allocated, buffer by buffer.
 */
class SeedExampleRealityTest {

    @Test
    void trainingStepMatchesRealCaffeByteForByte(@TempDir Path work) {
        Message net = NetSpec.read(Path.of("examples", "seed", "train_val.prototxt"));
        List<RealityCheck.Case> cases = new ArrayList<>();
        for (SolverType solver : new SolverType[] {SolverType.SGD, SolverType.ADAM}) {
            for (int batch : new int[] {1, 2, 4}) {
                cases.add(new RealityCheck.Case("seed", net, solver, batch));
            }
        }
        RealityAssertions.assertAll(RealityCheck.run(cases, work, 6000, Duration.ofMinutes(10)));
    }

    @Test
    void testNetAndInferenceMatchRealCaffe(@TempDir Path work) {
        Message net = NetSpec.read(Path.of("examples", "seed", "train_val.prototxt"));
        RealityCheck.Case c = new RealityCheck.Case("seed", net, SolverType.SGD, 2);
        RealityAssertions.assertAll(RealityCheck.run(List.of(c.withTestNet(), c.inference()), work, 6000,
                Duration.ofMinutes(10)));
    }
}
