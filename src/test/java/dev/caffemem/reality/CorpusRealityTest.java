package dev.caffemem.reality;


import dev.caffemem.model.SolverType;
import dev.caffemem.net.NetSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corpus in ../shared/caffe-models against the real Caffe: every net it can build has the same
 * blob shapes and log figure; all but the largest are matched buffer by buffer at batch 1, 2 and 4
 * with SGD and Adam, and within 1% of glibc's allocation count.
 */
class CorpusRealityTest {
    /** Too slow for three batches and two solvers on 2 cores; checked once at batch 1 instead. */
    private static final List<String> LARGE = List.of("ResNet-101", "ResNet-152", "bvlc_googlenet/train_val",
            "bvlc_alexnet/train_val", "bvlc_reference_caffenet/train_val", "finetune_flickr_style/train_val",
            "bvlc_reference_rcnn", "pascal_finetune", "full_conv", "feature_extraction");

    @BeforeEach
    void corpusPresent() {
        dev.caffemem.testing.Prerequisites.requireCorpus();
    }

    @Test
    void everyBuildableNetMatchesAtBatchOne(@TempDir Path work) {
        List<RealityCheck.Case> cases = new ArrayList<>();
        for (String net : Corpus.nets()) {
            if (Corpus.buildable(net)) {
                cases.add(new RealityCheck.Case(net, NetSpec.read(Corpus.path(net)), SolverType.SGD, 1,
                        Corpus.overrides(net)));
            }
        }
        RealityAssertions.assertAll(RealityCheck.run(cases, work, 6000, Duration.ofMinutes(15)));
    }

    @Test
    void netsMatchAtBatchesOneTwoFourWithSgdAndAdam(@TempDir Path work) {
        List<RealityCheck.Case> cases = new ArrayList<>();
        for (String net : Corpus.nets()) {
            if (!Corpus.buildable(net) || LARGE.stream().anyMatch(net::contains)) {
                continue;
            }
            for (SolverType solver : new SolverType[] {SolverType.SGD, SolverType.ADAM}) {
                for (int batch : new int[] {1, 2, 4}) {
                    cases.add(new RealityCheck.Case(net, NetSpec.read(Corpus.path(net)), solver, batch,
                            Corpus.overrides(net)));
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(cases.size() / 6).as("distinct nets").isGreaterThanOrEqualTo(15);
        RealityAssertions.assertAll(RealityCheck.run(cases, work, 6000, Duration.ofMinutes(20)));
    }
}
