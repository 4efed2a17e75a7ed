package dev.caffemem.caffetool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code mean_file} as Caffe reads it (transform_param; src/caffe/data_transformer.cpp reads a
 * BlobProto with ReadProtoFromBinaryFileOrDie): the protobuf wire format of BlobProto with num 1,
 * channels, height, width (fields 1-4) and packed float data (field 5), see src/caffe/proto/caffe.proto.
 * Memory does not depend on the values, so every element holds the same one.
 */
public final class MeanFiles {
    private MeanFiles() {
    }

    public static Path write(Path file, int channels, int height, int width, float value) {
        int n = channels * height * width;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, 1, 1);
        field(out, 2, channels);
        field(out, 3, height);
        field(out, 4, width);
        out.write(5 << 3 | 2);
        varint(out, 4L * n);
        ByteBuffer data = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            data.putFloat(value);
        }
        out.writeBytes(data.array());
        try {
            return Files.write(file, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void field(ByteArrayOutputStream out, int number, long value) {
        out.write(number << 3);
        varint(out, value);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
