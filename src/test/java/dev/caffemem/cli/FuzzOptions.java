package dev.caffemem.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The command lines of {@link FuzzCases}: mostly {@code estimate} with any mix of its options, valid or
 * not; now and then {@code probe} or {@code serve}, always with one option that must stop them before
 * anything runs (a fuzz case must never start Caffe or a server).
 */
final class FuzzOptions {
    // each option's values: the valid ones first, then those that must be refused (picked one time in four)
    private static final String[][] SIZES = {{"16GiB", "1MiB", "500MB", "9223372036854775807", "1.5GiB"},
        {"0", "-1", "1ZiB", "abc", "9223372036854775808", "", "1e3"}};
    private static final String[][] BATCHES = {{"1", "2", "3", "32", "256"}, {"0", "-1", "2147483647", "2147483648", "x", ""}};
    private static final String[][] SHAPES = {{"data=3,224,224", "data=1,28,28", "data=3,32,32", "pair_data=2,28,28",
        "data=3,227,227"}, {"data=0,1,1", "data=", "=3", "data=3,2147483647,2147483647", "data=-1", "data=a,b", "label=1"}};
    private static final String[][] TOPS = {{"py=N,4,6,6", "py=N", "x=N,N"}, {"py=0", "=N", "py=", "py=N,2147483647,3"}};
    private static final String[][] FORMATS = {{"text", "json", "csv", "markdown"}, {"xml", ""}};
    private static final String[][] DEVICES = {{"cpu", "gpu"}, {"gpu:0", "gpu:7", "tpu", "gpu:-1", "gpu:x"}};
    private static final String[][] PROFILES = {{"v100-16gb", "t4-16gb", "a100-80gb"}, {"nosuch", "v100", ""}};
    private static final String[][] STAGES = {{"deploy", "train"}, {""}};
    private static final String[][] GPUS = {{"1", "2", "8"}, {"0", "-1", "x"}};

    private FuzzOptions() {
    }

    static List<String> args(FuzzCases.Base base, Random r) {
        int roll = r.nextInt(20);
        String command = roll == 0 ? "serve" : roll < 3 ? "probe" : "estimate";
        List<String> args = new ArrayList<>(List.of(command));
        if (base.solver() != null) {
            args.addAll(List.of("--solver", FuzzCases.SOLVER));
            if (r.nextInt(3) == 0) {
                args.add(FuzzCases.NET);
            }
        } else {
            args.add(FuzzCases.NET);
        }
        if (r.nextInt(5) != 0) {
            args.addAll(base.options());
        }
        if (!command.equals("estimate")) {
            String[] stop = FuzzCases.stopper(r);
            args.addAll(List.of(stop));
            if (command.equals("serve")) {
                args.addAll(List.of("--port", r.nextBoolean() ? "0" : Integer.toString(FuzzCases.small(r))));
            }
        }
        int extra = r.nextInt(4);
        for (int i = 0; i < extra; i++) {
            addOption(args, command, r);
        }
        return args;
    }

    private static void addOption(List<String> args, String command, Random r) {
        int before = args.size();
        List<String> added = new ArrayList<>();
        option(added, command, r);
        // an option given twice is picocli's to refuse: one time in ten, or every case would stop there
        if (args.contains(added.get(0)) && r.nextInt(10) != 0) {
            return;
        }
        args.addAll(before, added);
    }

    private static void option(List<String> args, String command, Random r) {
        switch (r.nextInt(command.equals("estimate") ? 14 : 9)) {
            case 0 -> args.addAll(List.of("--phase", r.nextInt(4) == 0 ? "test" : r.nextBoolean() ? "TEST" : "TRAIN"));
            case 1 -> args.addAll(List.of("--batch", pick(BATCHES, r)));
            case 2 -> args.addAll(List.of("--test-batch", pick(BATCHES, r)));
            case 3 -> args.addAll(List.of("--input-shape", pick(SHAPES, r)));
            case 4 -> args.addAll(List.of("--top-shape", pick(TOPS, r)));
            case 5 -> args.addAll(List.of("--stage", pick(STAGES, r)));
            case 6 -> args.addAll(List.of("--metrics-file", r.nextInt(4) != 0 ? FuzzCases.DIR + "/m.prom"
                    : r.nextBoolean() ? "" : FuzzCases.DIR));
            case 7 -> args.addAll(List.of("--device", pick(DEVICES, r)));
            case 8 -> args.addAll(List.of("--profile", pick(PROFILES, r)));
            case 9 -> args.addAll(List.of("--memory", pick(SIZES, r)));
            case 10 -> args.addAll(List.of("-f", pick(FORMATS, r)));
            case 11 -> args.addAll(List.of("--gpus", pick(GPUS, r)));
            case 12 -> {
                // a GPU estimate as documented: a device, its profile, and maybe a data-parallel count
                args.addAll(List.of("--device", "gpu", "--profile", pick(PROFILES, r)));
                if (r.nextBoolean()) {
                    args.addAll(List.of("--gpus", pick(GPUS, r)));
                }
            }
            default -> args.add(r.nextBoolean() ? "--bytes" : "--metrics-per-layer");
        }
    }

    private static String pick(String[][] values, Random r) {
        String[] from = values[r.nextInt(4) == 0 ? 1 : 0];
        return from[r.nextInt(from.length)];
    }

    /** What the data layers of a corpus or example net read from their sources, guessed from its name. */
    static List<String> inputShapes(String nameAndText) {
        if (!nameAndText.matches("(?s).*type:\\s*\"(Data|ImageData|HDF5Data)\".*")) {
            return List.of();
        }
        String shape = nameAndText.contains("siamese") ? "pair_data=2,28,28"
                : nameAndText.contains("mnist") ? "data=1,28,28"
                : nameAndText.contains("cifar") ? "data=3,32,32"
                : nameAndText.contains("hdf5") ? "data=4"
                : "data=3,256,256";
        return List.of("--input-shape", shape);
    }

    /** A solver's net as Caffe's tools find it: as written, next to the solver, or under one of its parents. */
    static Path resolveNet(Path solver, String written) {
        for (Path dir = solver.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(written);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
