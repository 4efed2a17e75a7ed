package dev.caffemem.caffetool;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The nets of the peak table: the seed example, AlexNet and GoogLeNet as in issue 10, and corpus nets
 * with their real data layers, different solvers and snapshot formats. Data sets are small (tens of
 * records) but have the shapes the nets expect; TEST batches stay as the corpus has them. HDF5
 * snapshots go to nets whose layer names allow them: Caffe's Net::ToHDF5 makes one HDF5 group per
 * layer name, and aborts on a name with a '/' (SqueezeNet, GoogLeNet) or a name used twice in the
 * train net (the autoencoder's two "loss" layers).
 */
public final class PeakCases {
    private static final Path CORPUS = Path.of("..", "shared", "caffe-models");
    private static final Path BVLC = CORPUS.resolve("bvlc");

    private PeakCases() {
    }

    static PeakCase.Data pngs(int width, int height) {
        return (d, train) -> d.pngList(train ? "png_train_" + width + "x" + height : "png_test_" + width + "x" + height,
                1, width, height);
    }

    static PeakCase.Data lmdb(String name, int size, boolean gray) {
        return (d, train) -> d.lmdb(name + (train ? "_train" : "_val"), train ? 48 : 24, size, size, gray);
    }

    static PeakCase.Data hdf5(int rows, int features) {
        return (d, train) -> d.hdf5(train ? "hdf5_train" : "hdf5_test", rows, features);
    }

    /** Every case, with and without its snapshot where both are listed. */
    public static List<PeakCase> all() {
        List<PeakCase> cases = new ArrayList<>();
        PeakCase seed = new PeakCase("seed", Path.of("examples", "seed", "train_val.prototxt"),
                Path.of("examples", "seed", "solver.prototxt"), 32, pngs(580, 420), null, false, false, false);
        cases.add(seed);
        cases.add(seed.withSnapshot(true));
        PeakCase alex = new PeakCase("alexnet", BVLC.resolve("models/bvlc_alexnet/train_val.prototxt"),
                BVLC.resolve("models/bvlc_alexnet/solver.prototxt"), 16, lmdb("imagenet", 256, false), null, false,
                false, false);
        cases.add(alex);
        cases.add(alex.withSnapshot(true));
        PeakCase google = new PeakCase("googlenet", BVLC.resolve("models/bvlc_googlenet/train_val.prototxt"),
                BVLC.resolve("models/bvlc_googlenet/solver.prototxt"), 8, lmdb("imagenet", 256, false), null, false,
                false, false);
        cases.add(google);
        cases.add(google.withSnapshot(true));
        cases.add(new PeakCase("caffenet", BVLC.resolve("models/bvlc_reference_caffenet/train_val.prototxt"),
                BVLC.resolve("models/bvlc_reference_caffenet/solver.prototxt"), 16, lmdb("imagenet", 256, false),
                null, true, true, false));
        cases.add(new PeakCase("flickr", BVLC.resolve("models/finetune_flickr_style/train_val.prototxt"),
                BVLC.resolve("models/finetune_flickr_style/solver.prototxt"), 16, pngs(500, 375), "Nesterov", true,
                false, true));
        cases.add(new PeakCase("squeezenet10", CORPUS.resolve("forresti-SqueezeNet/SqueezeNet_v1.0/train_val.prototxt"),
                CORPUS.resolve("forresti-SqueezeNet/SqueezeNet_v1.0/solver.prototxt"), 16, lmdb("imagenet", 256, false),
                null, true, false, false));
        cases.add(new PeakCase("squeezenet11", CORPUS.resolve("forresti-SqueezeNet/SqueezeNet_v1.1/train_val.prototxt"),
                CORPUS.resolve("forresti-SqueezeNet/SqueezeNet_v1.1/solver.prototxt"), 16, lmdb("imagenet", 256, false),
                "Adam", true, false, false));
        cases.add(new PeakCase("cifar10bn", BVLC.resolve("examples/cifar10/cifar10_full_sigmoid_train_test_bn.prototxt"),
                BVLC.resolve("examples/cifar10/cifar10_full_sigmoid_solver_bn.prototxt"), 0, lmdb("cifar", 32, false),
                null, true, false, false));
        cases.add(new PeakCase("cifar10quick", BVLC.resolve("examples/cifar10/cifar10_quick_train_test.prototxt"),
                BVLC.resolve("examples/cifar10/cifar10_quick_solver.prototxt"), 0, lmdb("cifar", 32, false),
                "RMSProp", true, true, false));
        cases.add(new PeakCase("lenet", BVLC.resolve("examples/mnist/lenet_train_test.prototxt"),
                BVLC.resolve("examples/mnist/lenet_solver_adam.prototxt"), 0, lmdb("mnist", 28, true), null, true,
                true, false));
        cases.add(new PeakCase("autoencoder", BVLC.resolve("examples/mnist/mnist_autoencoder.prototxt"),
                BVLC.resolve("examples/mnist/mnist_autoencoder_solver_adadelta.prototxt"), 0, lmdb("mnist", 28, true),
                null, true, false, false));
        cases.add(new PeakCase("hdf5class", BVLC.resolve("examples/hdf5_classification/train_val.prototxt"), null, 0,
                hdf5(8192, 1024), "AdaGrad", true, false, false));
        return cases;
    }
}
