package dev.caffemem.caffetool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The float arrays of a BINARYPROTO snapshot, in the order Caffe filled them, read from the file with a
 * minimal protobuf wire-format reader: a .caffemodel is a NetParameter whose layers (field 100) carry
 * BlobProtos (field 7) with packed data (5) and diff (6); a .solverstate is a SolverState whose history
 * (field 3) holds BlobProtos (see src/caffe/proto/caffe.proto). Net::ToProto writes each layer's blobs
 * in order, data then diff (src/caffe/net.cpp, blob.cpp ToProto); SGDSolver writes history_ in order
 * (src/caffe/solvers/sgd_solver.cpp SnapshotSolverStateToBinaryProto).
 */
public final class SnapshotArrays {
    private SnapshotArrays() {
    }

    /** Element counts of every data (and, with snapshot_diff, diff) array of a .caffemodel, in order. */
    public static List<Long> model(Path caffemodel) {
        List<Long> out = new ArrayList<>();
        byte[] b = read(caffemodel);
        new Wire(b, 0, b.length).forEach(100, (s, e) -> new Wire(b, s, e).forEach(7, (bs, be) -> blob(b, bs, be, out)));
        return out;
    }

    /** Element counts of the history arrays of a .solverstate, in order. */
    public static List<Long> state(Path solverstate) {
        List<Long> out = new ArrayList<>();
        byte[] b = read(solverstate);
        new Wire(b, 0, b.length).forEach(3, (s, e) -> blob(b, s, e, out));
        return out;
    }

    private static void blob(byte[] b, int start, int end, List<Long> out) {
        long[] counts = new long[2];
        new Wire(b, start, end).forEach(5, (s, e) -> counts[0] += (e - s) / 4);
        new Wire(b, start, end).forEach(6, (s, e) -> counts[1] += (e - s) / 4);
        out.add(counts[0]);
        if (counts[1] > 0) {
            out.add(counts[1]);
        }
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Length-delimited fields of one message, by field number. */
    private record Wire(byte[] b, int start, int end) {
        interface Visitor {
            void field(int start, int end);
        }

        void forEach(int number, Visitor v) {
            int i = start;
            while (i < end) {
                long[] key = varint(i);
                i = (int) key[1];
                int wireType = (int) (key[0] & 7);
                switch (wireType) {
                    case 0 -> i = (int) varint(i)[1];
                    case 1 -> i += 8;
                    case 5 -> i += 4;
                    case 2 -> {
                        long[] len = varint(i);
                        int s = (int) len[1];
                        int e = s + (int) len[0];
                        if (key[0] >>> 3 == number) {
                            v.field(s, e);
                        }
                        i = e;
                    }
                    default -> throw new IllegalArgumentException("unsupported wire type " + wireType + " at " + i);
                }
            }
        }

        private long[] varint(int i) {
            long r = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[i++] & 0xff;
                r |= (long) (x & 0x7f) << shift;
                if (x < 0x80) {
                    return new long[] {r, i};
                }
            }
        }
    }
}
