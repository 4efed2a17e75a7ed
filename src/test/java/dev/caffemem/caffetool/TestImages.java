package dev.caffemem.caffetool;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Real PNG files and the list file that ImageData and convert_imageset read ("relative/path label" per
 * line, see src/caffe/layers/image_data_layer.cpp and tools/convert_imageset.cpp). Pixels are seeded
 * noise: they compress as badly as photographs, so decoding does the work a user's images cause.
 */
public final class TestImages {
    private TestImages() {
    }

    /**
     * Writes {@code count} images of {@code width x height} under {@code root/images/} and their list at
     * {@code root/list.txt}, with labels 0, 1, ... modulo {@code classes}.
     *
     * @return the list file
     */
    public static Path write(Path root, int count, int width, int height, boolean color, int classes, long seed) {
        try {
            Path images = Files.createDirectories(root.resolve("images"));
            Random rnd = new Random(seed);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = String.format("img%05d.png", i);
                ImageIO.write(noise(width, height, color, rnd), "png", images.resolve(name).toFile());
                lines.add("images/" + name + " " + (i % classes));
            }
            Path list = root.resolve("list.txt");
            Files.write(list, lines);
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage noise(int width, int height, boolean color, Random rnd) {
        BufferedImage img = new BufferedImage(width, height, color ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = rnd.nextInt(1 << 24);
                img.setRGB(x, y, color ? v : (v & 0xff) * 0x010101);
            }
        }
        return img;
    }
}
