package dev.caffemem.cli;

import dev.caffemem.net.Phase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Which net, which phase, which batch, and the shapes a prototxt cannot tell. Shared by estimate and probe. */
public final class NetOptions {

    @Parameters(index = "0", arity = "0..1", paramLabel = "NET",
            description = "Net prototxt (train_val or deploy). May be left out when --solver names the net.")
    Path net;

    @Option(names = "--solver", paramLabel = "FILE",
            description = "Solver prototxt: its type, regularization and test nets are used, and its net/train_net "
                    + "field names the net when NET is not given. Without it, training assumes SGD with momentum.")
    Path solver;

    @Option(names = "--phase", paramLabel = "PHASE", defaultValue = "TRAIN",
            description = "TRAIN (one solver iteration, plus the solver's test nets) or TEST (inference: forward only). "
                    + "Default: ${DEFAULT-VALUE}.")
    Phase phase;

    @Option(names = {"-b", "--batch"}, paramLabel = "N",
            description = "Batch to estimate: replaces data layers' batch_size and the first dimension of Input "
                    + "shapes. Default: the prototxt's own.")
    Integer batch;

    @Option(names = "--test-batch", paramLabel = "N",
            description = "The same for the solver's TEST nets.")
    Integer testBatch;

    @Option(names = "--input-shape", paramLabel = "TOP=C,H,W", split = "\\s+",
            description = "Per-sample shape of a data layer's top where Caffe would read it from the first record "
                    + "or image (Data, ImageData without new_height/new_width, HDF5Data). Repeatable.")
    List<String> inputShapes = new ArrayList<>();

    @Option(names = "--top-shape", paramLabel = "TOP=D1,D2,...",
            description = "Shape of a top produced by a layer type caffemem does not know (e.g. Python); "
                    + "N stands for the batch. Repeatable.")
    List<String> topShapes = new ArrayList<>();

    @Option(names = "--rois", paramLabel = "N",
            description = "Faster R-CNN (py-faster-rcnn): regions per image that reach the ROI head, which its Python "
                    + "proposal layers decide at run time. Default: the code's own settings (128 sampled regions in "
                    + "TRAIN, 300 proposals in TEST).")
    Integer rois;

    @Option(names = "--lenient",
            description = "Keep going past what caffemem does not know: unknown fields are skipped and unknown layer "
                    + "types (without --top-shape) are assumed shape-preserving, each reported once on stderr and in "
                    + "the notes. Without it, both are errors, as in Caffe.")
    boolean lenient;

    @Option(names = "--threads", paramLabel = "N",
            description = "OpenBLAS threads of the Caffe process (each makes its packing buffers resident at the first "
                    + "GEMM). Default: this machine's processors.")
    Integer threads;

    @Option(names = "--weights", negatable = true,
            description = "The run loads trained weights after building its net (caffe test always does; caffe train "
                    + "--weights when fine-tuning): the parsed .caffemodel and the net's own weights coexist for a "
                    + "moment. Default: yes for --phase TEST, no for training.")
    Boolean weights;

    @Option(names = "--data-root", paramLabel = "DIR",
            description = "The directory Caffe runs in: data sources written as relative paths (LMDB, HDF5 lists) are "
                    + "looked up under it to count the files they read. Default: the current directory.")
    Path dataRoot;

    @Option(names = "--stage", paramLabel = "STAGE",
            description = "Extra NetState stage for include/exclude rules. Repeatable.")
    List<String> stages = new ArrayList<>();

    /** The command these options belong to, for its stderr (warnings of --lenient); null when built in code. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The warnings already printed, so that each is said once however often the files are read. */
    java.util.Set<String> warned = new java.util.HashSet<>();

    /** Prints a warning line on the command's stderr, unless it was printed before. */
    void warn(String line) {
        if (warned.add(line)) {
            java.io.PrintWriter err = command != null ? command.commandLine().getErr() : new java.io.PrintWriter(System.err, true);
            err.println(line);
            err.flush();
        }
    }

    /** A copy with another train batch (null: the prototxt's own), for an agent's request. */
    NetOptions withBatch(Integer other) {
        NetOptions o = new NetOptions();
        o.net = net;
        o.solver = solver;
        o.phase = phase;
        o.batch = other;
        o.testBatch = testBatch;
        o.inputShapes = new ArrayList<>(inputShapes);
        o.topShapes = new ArrayList<>(topShapes);
        o.stages = new ArrayList<>(stages);
        o.threads = threads;
        o.dataRoot = dataRoot;
        o.weights = weights;
        o.rois = rois;
        o.lenient = lenient;
        o.command = command;
        o.warned = warned;
        return o;
    }
}
