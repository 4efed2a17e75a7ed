package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Phase;
import dev.caffemem.prototxt.Message;
import java.util.List;
import java.util.Map;

/**
 * The solver's test nets (src/caffe/solver.cpp, InitTestNets and Test): each a separate Net in phase TEST at
 * its own batch, sharing the train net's weights, run forward once.
 */
final class TestNets {

    private TestNets() {
    }

    /** What one test net adds to every evaluation of an estimate. */
    record Run(List<Buffer> buffers, Map<String, Double> features, GpuBilling.Counts gpu, Estimate.TestNetBill bill) {
    }

    /**
     * Adds test net {@code index}'s buffers to the process's allocations (as the test net's component) and its
     * structure to the bookkeeping features and GPU counts; simulated once per estimate (see {@link #simulate}).
     */
    static Estimate.TestNetBill add(EstimateRequest req, NetCache cache, SolverSettings.TestNet t, int index,
                                    NetSimulator train, Allocations allocations, Map<String, Double> features,
                                    GpuBilling.Counts gpu) {
        Run done = cache.testRun(index);
        if (done == null) {
            done = simulate(req, cache, t, index, train, allocations.placement());
            cache.putTestRun(index, done);
        }
        done.features().forEach((k, v) -> features.merge(k, v, Double::sum));
        gpu.add(done.gpu());
        for (Buffer b : done.buffers()) {
            allocations.create(b.key(), b.bytes(), Component.TEST_NET, -1).touchLike(b);
        }
        return done.bill();
    }

    /**
     * One test net, set up and run forward: it keeps its own batch whatever the train net's, and the train
     * parameters it shares are already touched on the same sides by the train net, so its buffers are the same
     * in the evaluations at every train batch.
     */
    private static Run simulate(EstimateRequest req, NetCache cache, SolverSettings.TestNet t, int index,
                                NetSimulator train, Placement placement) {
        Message source = cache.testSource(req, t, index);
        NetGraph graph = cache.graph(source, Phase.TEST, req.stages(), req.test(), t.state());
        // one placement: the test net's forward touches the train net's parameters too
        Allocations own = new Allocations(placement);
        NetSimulator test = new NetSimulator(graph, req.mode(), own, index, train.paramsByLayer(), req.gpu());
        GpuBilling.Counts counts = GpuBilling.Counts.forTestNet(graph, req.gpu() != null);
        test.setUp();
        long setupHost = own.total(Side.HOST);
        long setupDevice = own.total(Side.DEVICE);
        test.forward();
        counts.testForwardHost = own.total(Side.HOST) - setupHost;
        counts.testForwardDevice = own.total(Side.DEVICE) - setupDevice;
        // a generic test net shares the solver's NetParameter; its own file is read and freed like the train net's
        Map<String, Double> features = Overhead.add(cache, req, own, graph, test.blobObjects(), null, 0, index,
                "net.test");
        List<Buffer> buffers = own.touched();
        long total = 0;
        for (Buffer b : buffers) {
            total += b.bytes() * ((b.touchedOn(Side.HOST) ? 1 : 0) + (b.touchedOn(Side.DEVICE) ? 1 : 0));
        }
        return new Run(buffers, features, counts,
                new Estimate.TestNetBill(index, Simulation.batchOf(graph), graph.caffeLogBytes(), total));
    }
}
