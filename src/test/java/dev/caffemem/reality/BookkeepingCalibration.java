package dev.caffemem.reality;

import dev.caffemem.model.Bookkeeping;
import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.model.SolverType;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.NetState;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.shape.LayerKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Fits the bookkeeping model's coefficients against real Caffe: measures chains of every layer type,
 * single added layers and random nets with all six solvers, then solves the least-squares problem
 * (allocator bytes minus the modeled buffers' chunks) over {@link Bookkeeping#features}. Writes
 * src/main/resources/dev/caffemem/model/bookkeeping.properties. Run with scripts/calibrate-bookkeeping.sh.
 */
public final class BookkeepingCalibration {

    private BookkeepingCalibration() {
    }

    /** Least squares on unit-scaled columns, by SVD (rank-revealing: some features are exactly dependent). */
    static double[] solve(double[][] x, double[] y) {
        int n = x[0].length;
        double[] scale = new double[n];
        for (int j = 0; j < n; j++) {
            double norm = 0;
            for (double[] row : x) {
                norm += row[j] * row[j];
            }
            scale[j] = norm == 0 ? 1 : Math.sqrt(norm);
        }
        double[][] scaled = new double[x.length][n];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < n; j++) {
                scaled[i][j] = x[i][j] / scale[j];
            }
        }
        // the pseudo-inverse: a minimum-norm answer where the data cannot tell two features apart
        double[] b = new SingularValueDecomposition(new Array2DRowRealMatrix(scaled, false)).getSolver()
                .solve(new ArrayRealVector(y, false)).toArray();
        for (int j = 0; j < n; j++) {
            b[j] /= scale[j];
        }
        return b;
    }

    /** The comment lines at the top of a properties file. */
    private static String header(java.io.InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (in) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#")) {
                    break;
                }
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/main/resources/dev/caffemem/model/bookkeeping.properties");
        List<RealityCheck.Case> cases = new ArrayList<>();
        for (Map.Entry<String, String> e : CalibrationNets.CHAINABLE.entrySet()) {
            for (int k : new int[] {2, 6, 12}) {
                cases.add(new RealityCheck.Case("chain " + e.getKey() + " x" + k,
                        NetSpec.parse(CalibrationNets.chain(e.getValue(), k, false), "chain"), SolverType.SGD, 2));
            }
        }
        for (String inPlace : new String[] {"ReLU", "Dropout", "BatchNorm", "Scale", "Sigmoid", "PReLU"}) {
            cases.add(new RealityCheck.Case("chain " + inPlace + " in place x8",
                    NetSpec.parse(CalibrationNets.chain(CalibrationNets.CHAINABLE.get(inPlace), 8, true), "chain"),
                    SolverType.SGD, 2));
        }
        for (Map.Entry<String, String> e : CalibrationNets.ADDED.entrySet()) {
            cases.add(new RealityCheck.Case("added " + e.getKey(),
                    NetSpec.parse(CalibrationNets.ADD_BASE + e.getValue(), "added"), SolverType.SGD, 4));
        }
        SolverType[] solvers = SolverType.values();
        for (long seed = 1000; seed < 1400; seed++) {
            RealityCheck.Case c = new RealityCheck.Case("random " + seed, RandomNets.net(seed),
                    solvers[(int) (seed % solvers.length)], 1 + (int) (seed % 3));
            // every fifth net for inference, every fifth with the solver's test net, the rest training alone
            cases.add(seed % 5 == 1 ? c.inference() : seed % 5 == 2 ? c.withTestNet() : c);
        }
        Path work = Files.createTempDirectory("calibration");
        List<RealityCheck.Outcome> outcomes = RealityCheck.run(cases, work, 6000, Duration.ofMinutes(30));

        List<Map<String, Double>> rows = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (RealityCheck.Outcome o : outcomes) {
            if (!o.bufferMismatches().isEmpty()) {
                throw new IllegalStateException("blob-level mismatch, calibrate only on exact nets: " + RealityCheck.summary(o));
            }
            Map<String, Double> f = o.estimate().overheadFeatures();
            rows.add(f);
            names.addAll(f.keySet());
            long chunks = 0;
            for (Allocation b : o.estimate().breakdown().allocations()) {
                // the overhead pseudo-buffers (the train net's, and each test net's inside testNet) are the model's output
                if (b.key().kind() != BufferKey.Kind.OVERHEAD) {
                    chunks += Bookkeeping.chunk(b.bytes());
                }
            }
            targets.add((double) (o.real().allocatorBytes() - chunks));
        }
        // extending: the coefficients in use stay as they are; only features they lack are fitted, on what
        // the kept ones leave unexplained
        boolean extend = Boolean.getBoolean("caffemem.calibration.extend");
        Map<String, Double> kept = new TreeMap<>(extend ? Bookkeeping.coefficients() : Map.of());
        kept.remove("layer.default");
        List<String> columns = new ArrayList<>(names);
        columns.removeAll(kept.keySet());
        double[][] x = new double[rows.size()][columns.size()];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < columns.size(); j++) {
                x[i][j] = rows.get(i).getOrDefault(columns.get(j), 0.0);
            }
            double explained = 0;
            for (Map.Entry<String, Double> k : kept.entrySet()) {
                explained += k.getValue() * rows.get(i).getOrDefault(k.getKey(), 0.0);
            }
            y[i] = targets.get(i) - explained;
        }
        String matrix = System.getProperty("caffemem.calibration.matrix");
        if (matrix != null) {
            StringBuilder m = new StringBuilder(String.join(",", columns)).append(",y\n");
            for (int i = 0; i < x.length; i++) {
                for (double v : x[i]) {
                    m.append(v).append(',');
                }
                m.append(y[i]).append('\n');
            }
            Files.writeString(Path.of(matrix), m.toString());
        }
        double[] beta = solve(x, y);
        double[] residuals = new double[y.length];
        double ssTot = 0;
        double mean = java.util.Arrays.stream(y).average().orElse(0);
        for (int i = 0; i < y.length; i++) {
            double fit = 0;
            for (int j = 0; j < beta.length; j++) {
                fit += x[i][j] * beta[j];
            }
            residuals[i] = y[i] - fit;
            ssTot += (y[i] - mean) * (y[i] - mean);
        }
        double maxAbs = 0;
        double sumSq = 0;
        for (double r : residuals) {
            maxAbs = Math.max(maxAbs, Math.abs(r));
            sumSq += r * r;
        }
        Map<String, Double> coefficients = new TreeMap<>(kept);
        for (int j = 0; j < columns.size(); j++) {
            coefficients.put(columns.get(j), beta[j]);
        }
        double typical = extend ? Bookkeeping.coefficients().getOrDefault("layer.default", 0.0)
                : coefficients.entrySet().stream().filter(e -> e.getKey().startsWith("layer."))
                .mapToDouble(Map.Entry::getValue).sorted().skip(coefficients.size() / 4).findFirst().orElse(0);
        StringBuilder sb = new StringBuilder();
        if (extend) {
            sb.append(header(Bookkeeping.class.getResourceAsStream("bookkeeping.properties")));
            sb.append(String.format(Locale.ROOT, "# Extended on %s (caffemem.calibration.extend): %s fitted on %d nets with the"
                    + " coefficients above kept;%n# residual RMS %.0f bytes, worst %.0f bytes.%n", LocalDate.now(),
                    String.join(", ", columns), rows.size(), Math.sqrt(java.util.Arrays.stream(residuals).map(r -> r * r)
                    .sum() / rows.size()), java.util.Arrays.stream(residuals).map(Math::abs).max().orElse(0)));
        }
        if (!extend) {
            sb.append("# Bookkeeping model of dev.caffemem.model.Bookkeeping: bytes per feature, fitted by least squares\n");
            sb.append("# against glibc mallinfo2 deltas of real Caffe 1.0 (org.bytedeco:caffe:1.0-1.5.8, linux-x86_64, CPU)\n");
            sb.append(String.format(Locale.ROOT, "# on %s: %d nets (chains of each layer type, single added layers, random nets",
                    LocalDate.now(), rows.size()));
            sb.append(" with all six solvers).\n");
            sb.append(String.format(Locale.ROOT, "# Fit residual: RMS %.0f bytes, worst %.0f bytes. R^2 %.6f.%n",
                    Math.sqrt(sumSq / rows.size()), maxAbs, 1 - sumSq / ssTot));
            sb.append("# Regenerate with scripts/calibrate-bookkeeping.sh; layer.default serves layer types not measured.\n");
        }
        for (Map.Entry<String, Double> e : coefficients.entrySet()) {
            sb.append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.1f", e.getValue())).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "layer.default=%.1f%n", typical));
        Files.writeString(out, sb.toString());
        System.out.print(sb);
        String dump = System.getProperty("caffemem.calibration.dump");
        if (dump != null) {
            StringBuilder rowsCsv = new StringBuilder("case,real,target,residual\n");
            for (int i = 0; i < residuals.length; i++) {
                rowsCsv.append(cases.get(i).name()).append(',').append(outcomes.get(i).real().allocatorBytes()).append(',')
                        .append((long) y[i]).append(',').append(Math.round(residuals[i])).append('\n');
            }
            Files.writeString(Path.of(dump), rowsCsv.toString());
        }
        for (int i = 0; i < residuals.length; i++) {
            if (Math.abs(residuals[i]) > 1024) {
                System.out.printf(Locale.ROOT, "residual %+.0f bytes: %s%n", residuals[i], cases.get(i).name());
            }
        }
    }
}
