package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.memory.Timeline;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Phase;
import dev.caffemem.prototxt.Message;
import java.util.List;
import java.util.Map;

/**
 * The solver's test nets (src/caffe/solver.cpp, InitTestNets and Test): each a separate Net in phase TEST at
 * its own batch, built with its own filled weights after the train net, and at its first test pass made to
 * share the train net's weights (its own are released), then run forward.
 *
 * <p>A test net keeps its batch whatever the train net's, so it is simulated once per estimate (on its own
 * clock) and placed into each evaluation: its init where the solver builds it, its pass where the solver runs
 * it.
 */
final class TestNets {

    private TestNets() {
    }

    /**
     * One test net, simulated.
     *
     * @param buffers    every buffer it made (freed ones too), with ticks of its own clock
     * @param marks      its events on that clock: its layers' init, then its pass
     * @param initTicks  the ticks its init took (the rest are its pass's)
     */
    record Run(NetGraph graph, List<Buffer> buffers, List<Clock.Mark> marks, int initTicks, int totalTicks,
               Map<String, Double> features, GpuBilling.Counts gpu, Estimate.TestNetBill bill) {
    }

    /** Test net {@code index}, simulated on first request in this estimate. */
    static Run of(EstimateRequest req, NetCache cache, SolverSettings.TestNet t, int index, NetSimulator train,
                  Placement placement) {
        Run done = cache.testRun(index);
        if (done == null) {
            done = simulate(req, cache, t, index, train, placement);
            cache.putTestRun(index, done);
        }
        return done;
    }

    /** The test net's init in this evaluation's time: returns where it starts. */
    static int placeInit(Run run, Clock clock) {
        int base = clock.reserve(run.initTicks());
        for (Clock.Mark m : run.marks()) {
            if (m.end() <= run.initTicks() && m.stage() == Timeline.Stage.TEST_NET_INIT) {
                clock.add(new Clock.Mark(base + m.end(), m.stage(), m.iteration(), m.testNet(), m.subject(),
                        m.extraBytes()));
            }
        }
        return base;
    }

    /**
     * The test net's first pass in this evaluation, at {@code iteration}: its buffers join the process's
     * allocations (as the test net's component, their ticks moved into this evaluation's time), and its
     * structure joins the bookkeeping features and GPU counts.
     */
    static Estimate.TestNetBill placePass(Run run, int initBase, int iteration, Allocations allocations,
                                          Map<String, Double> features, GpuBilling.Counts gpu) {
        Clock clock = allocations.clock();
        int passBase = clock.reserve(run.totalTicks() - run.initTicks());
        java.util.function.IntUnaryOperator when = t -> t < run.initTicks() ? initBase + t
                : passBase + (t - run.initTicks());
        for (Buffer b : run.buffers()) {
            allocations.create(b.key(), b.bytes(), Component.TEST_NET, -1).touchLike(b, when);
        }
        for (Clock.Mark m : run.marks()) {
            if (m.stage() == Timeline.Stage.TEST_PASS) {
                clock.add(new Clock.Mark(when.applyAsInt(m.end() - 1) + 1, m.stage(), iteration, m.testNet(),
                        m.subject(), m.extraBytes()));
            }
        }
        run.features().forEach((k, v) -> features.merge(k, v, Double::sum));
        gpu.add(run.gpu());
        return run.bill();
    }

    private static Run simulate(EstimateRequest req, NetCache cache, SolverSettings.TestNet t, int index,
                                NetSimulator train, Placement placement) {
        Message source = cache.testSource(req, t, index);
        NetGraph graph = cache.graph(source, Phase.TEST, req.stages(), req.test(), t.state());
        // one placement: the test net's forward touches the train net's parameters too
        Allocations own = new Allocations(placement);
        NetSimulator test = new NetSimulator(graph, req.mode(), own, index, train.paramsByLayer(), req.gpu(),
                req.runtime());
        GpuBilling.Counts counts = GpuBilling.Counts.forTestNet(graph, req.gpu() != null);
        test.setUp();
        int initTicks = own.clock().now();
        test.shareTrainedLayers();
        long beforeHost = own.total(Side.HOST);
        long beforeDevice = own.total(Side.DEVICE);
        test.forward();
        counts.testForwardHost = own.total(Side.HOST) - beforeHost;
        counts.testForwardDevice = own.total(Side.DEVICE) - beforeDevice;
        own.clock().mark(Timeline.Stage.TEST_PASS, -1, index, null);
        // a generic test net shares the solver's NetParameter; its own file is read and freed like the train net's
        Map<String, Double> features = Overhead.add(cache, req, own, graph, test.blobObjects(), null, 0, index,
                "net.test");
        long total = 0;
        for (Buffer b : own.touched()) {
            total += b.bytes() * ((b.touchedOn(Side.HOST) ? 1 : 0) + (b.touchedOn(Side.DEVICE) ? 1 : 0));
        }
        List<Clock.Mark> marks = withObjects(own.clock().marks(), Bookkeeping.objects(features));
        return new Run(graph, own.all(), marks, initTicks, own.clock().now(), features, counts,
                new Estimate.TestNetBill(index, Simulation.batchOf(graph), graph.caffeLogBytes(), total));
    }

    /** The marks, the test net's C++ objects counted at the end of its init (its last layer's event). */
    private static List<Clock.Mark> withObjects(List<Clock.Mark> marks, long objects) {
        List<Clock.Mark> out = new java.util.ArrayList<>(marks);
        for (int i = out.size() - 1; i >= 0; i--) {
            Clock.Mark m = out.get(i);
            if (m.stage() == Timeline.Stage.TEST_NET_INIT) {
                out.set(i, new Clock.Mark(m.end(), m.stage(), m.iteration(), m.testNet(), m.subject(),
                        m.extraBytes() + objects));
                break;
            }
        }
        return out;
    }
}
