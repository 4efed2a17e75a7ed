package dev.caffemem.probe;

import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.model.Mode;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.net.DryRun;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.shape.LayerKinds;
import java.util.List;
import java.util.Map;

/**
 * What the probe runs at one batch: the user's net rewritten for that batch (data layers as Input layers of the
 * inferred shapes and constant fillers, or with --real-data only its batch), the solver around it made to run
 * one quiet iteration, and the analytical estimate of exactly that run.
 */
final class ProbePlan {

    /** One batch ready to run: the file Caffe reads, and the estimate of exactly that run. */
    record Prepared(int batch, Message caffeFile, Estimate estimate) {
    }

    private final EstimateRequest request;
    private final Message userSolver;
    private final boolean realData;
    private final boolean withTestNet;
    private final boolean withSnapshot;
    private final GpuSettings gpu;

    ProbePlan(EstimateRequest request, Message userSolver, boolean realData, boolean withTestNet, boolean withSnapshot,
              GpuSettings gpu) {
        this.request = request;
        this.userSolver = userSolver;
        this.realData = realData;
        this.withTestNet = withTestNet;
        this.withSnapshot = withSnapshot;
        this.gpu = gpu;
    }

    Prepared prepare(int batch) {
        try {
            return prepareAt(batch);
        } catch (dev.caffemem.net.NetException e) {
            // e.g. blobs past INT_MAX at this batch: no measurement can stand for it
            throw e.during("at probe batch " + batch);
        }
    }

    private Prepared prepareAt(int batch) {
        Message net = rewrite(request.net(), batch);
        boolean train = request.phase() == Phase.TRAIN;
        Message caffeFile;
        SolverSettings solver;
        if (train) {
            caffeFile = solverFor(net);
            solver = SolverSettings.of(caffeFile);
        } else {
            caffeFile = net.copy();
            caffeFile.mutableMessage("state").set("phase", "TEST");
            for (String stage : request.stages()) {
                caffeFile.mutableMessage("state").add("stage", stage);
            }
            solver = SolverSettings.assumedSgd();
        }
        // shapes are in the rewritten net now; only the user's declared tops (unknown layer types) still count,
        // and with real data the input shapes of the data layers that read their first record. The worker keeps
        // the SolverParameter it read (inline net_param) and the solver keeps its own copy; for inference it keeps
        // the NetParameter it read.
        ShapeOverrides declared = new ShapeOverrides(null, request.train().inputShapes(), request.train().declaredTops());
        // the child runs one OpenBLAS thread and loads no weights
        Estimate e = Estimator.estimate(new EstimateRequest(net, request.phase(), Mode.CPU, solver, declared, declared,
                f -> null, request.stages(), train ? 2 : 1).onDevice(gpu)
                .withRuntime(request.runtime().withBlasThreads(1).withLoadsWeights(false).withFixedMmapThreshold()));
        return new Prepared(batch, caffeFile, e);
    }

    /** Data layers to Input layers of the inferred shapes (or, with real data, only their batch), constant fillers. */
    private Message rewrite(Message net, int batch) {
        ShapeOverrides train = request.train().withBatch(batch);
        ShapeOverrides test = request.test();
        if (realData) {
            return DryRun.withBatch(net, batch, test.batch());
        }
        return DryRun.rewrite(net, state -> {
            ShapeOverrides o = state.phase() == Phase.TRAIN ? train : test;
            return NetGraph.build(NetSpec.of(net, state), new LayerKinds(o), o);
        }, true);
    }

    /** The user's solver (or plain SGD) around the rewritten net, made to run one iteration quietly. */
    private Message solverFor(Message net) {
        Message s = userSolver == null ? new Message(Schema.caffe().message("SolverParameter")) : userSolver.copy();
        for (String f : List.of("net", "net_param", "train_net", "train_net_param", "test_net", "test_net_param",
                "snapshot_prefix", "solver_type")) {
            s.clear(f);
        }
        s.set("net_param", net);
        s.set("type", request.solver().type().caffeName());
        if (userSolver == null) {
            s.set("base_lr", 0.01);
            s.set("lr_policy", "fixed");
            s.set("momentum", 0.9);
        }
        int tests = withTestNet ? request.solver().testNets().size() : 0;
        s.clear("test_iter");
        if (tests > 0) {
            for (int i = 0; i < tests; i++) {
                s.add("test_iter", 1L);
            }
            s.set("test_interval", 1L);
            s.set("test_initialization", true);
        } else {
            s.clear("test_state");
            s.clear("test_interval");
        }
        for (String stage : request.stages()) {
            s.mutableMessage("train_state").add("stage", stage);
        }
        s.set("display", 0L);
        s.set("snapshot", 0L);
        // the child writes one snapshot after iteration 0 with --with-snapshot (in the user's format, with or
        // without diffs); the estimate of the point bills it as the final one
        s.set("snapshot_after_train", withSnapshot);
        s.set("max_iter", 1L);
        s.set("solver_mode", "CPU");
        return s;
    }
}
