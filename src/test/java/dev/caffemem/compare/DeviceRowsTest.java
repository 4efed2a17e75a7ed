package dev.caffemem.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Side;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.model.Mode;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of the GPU probe's device rows: how points become lines, a total and notes. The point
 * records are written out by hand to test that arithmetic; they stand for no measurement (no GPU ran
 * here), and the README says the GPU probe is unvalidated.
 */
class DeviceRowsTest {
    private static final String NET = "layer { name: 'in' type: 'Input' top: 'x' top: 'y' input_param {"
            + " shape { dim: 8 dim: 10 } shape { dim: 8 } } }\n"
            + "layer { name: 'ip' type: 'InnerProduct' bottom: 'x' top: 'ip' inner_product_param { num_output: 5 } }\n"
            + "layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'ip' bottom: 'y' top: 'loss' }\n";

    /** A point whose device growth is 1 MiB + 4 KiB per sample beyond a 256-byte-per-sample census. */
    private static PointResult point(int batch) {
        BufferKey weights = BufferKey.param(-1, 0, BufferKey.Part.DATA);
        List<Allocation> buffers = List.of(
                Allocation.censused(BufferKey.blob(-1, 1, "ip", BufferKey.Part.DATA), 256L * batch, Side.DEVICE),
                Allocation.censused(weights, 200, Side.HOST),
                Allocation.censused(weights, 200, Side.DEVICE));
        long device = (1L << 20) + 4096L * batch + 256L * batch + 200;
        return new PointResult(batch, buffers, List.of(), 0, List.of(), 0, 0, 0, 0, Map.of(),
                new PointResult.Gpu(device, 300L << 20, -1, "Test GPU", "1.0", 16L << 30), List.of());
    }

    @Test
    void deviceRowsFitEachPartAndEndWithTheDeviceTotal() {
        GpuSettings gpu = GpuSettings.assumedFor("t", 16L << 30);
        Estimate e = Estimator.estimate(new EstimateRequest(NetSpec.parse(NET, "net.prototxt"), Phase.TRAIN, Mode.GPU,
                SolverSettings.assumedSgd(), ShapeOverrides.NONE, ShapeOverrides.NONE, f -> null, List.of(), 0, gpu, null));
        List<Comparison> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<PointResult> points = List.of(point(1), point(2), point(4));
        DeviceRows.add(gpu, e, points, point(8), 8, rows, notes);
        assertThat(rows).extracting(Comparison::name)
                .containsExactly("cudaContext", "deviceBlobs", "deviceOther", "device");
        Comparison device = rows.get(3);
        // every part is exactly linear here, so the extrapolation to 8 equals the point at 8
        assertThat(device.extrapolated()).isEqualTo(device.measured());
        assertThat(device.measured()).isEqualTo((300L << 20) + point(8).gpu().deviceBytes());
        assertThat(rows.get(1).extrapolated()).isEqualTo(256L * 8 + 200);
        assertThat(device.estimated()).isEqualTo(e.gpu().deviceBytes());
        assertThat(notes).anyMatch(n -> n.contains("batch 1: " + ((1L << 20) + 4096)));
        assertThat(notes).anyMatch(n -> n.startsWith("GPU Test GPU, driver 1.0"));
    }
}
