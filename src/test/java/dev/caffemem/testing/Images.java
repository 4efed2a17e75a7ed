package dev.caffemem.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** What a test can say about a picture without looking at it: that it decodes, and that something is drawn. */
public final class Images {

    private Images() {
    }

    /** Decodes a PNG (or any format ImageIO reads); an undecodable picture fails here. */
    public static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        if (image == null) {
            throw new IOException("not a picture ImageIO can read (" + bytes.length + " bytes)");
        }
        return image;
    }

    /** The fraction of pixels that are not (nearly) white: 0 for a blank page. */
    public static double inkFraction(BufferedImage image) {
        long ink = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (r < 240 || g < 240 || b < 240) {
                    ink++;
                }
            }
        }
        return ink / (double) ((long) image.getWidth() * image.getHeight());
    }

    /** How many different colours the picture uses (a blank or one-colour picture has one). */
    public static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                seen.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return seen.size();
    }
}
