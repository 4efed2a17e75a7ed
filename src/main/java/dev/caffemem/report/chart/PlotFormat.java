package dev.caffemem.report.chart;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The file types {@code --plot} writes, told by the file's extension. Touches no chart code, so that a command
 * can check the option before it does any work, and a command without --plot loads no chart class.
 */
public enum PlotFormat {
    SVG, PNG;

    /** The format a file name asks for; an extension other than .svg or .png is an IllegalArgumentException. */
    public static PlotFormat of(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".svg")) {
            return SVG;
        }
        if (n.endsWith(".png")) {
            return PNG;
        }
        throw new IllegalArgumentException(file + ": the file name must end in .svg or .png");
    }
}
