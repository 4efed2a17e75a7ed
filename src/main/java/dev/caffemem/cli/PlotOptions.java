package dev.caffemem.cli;

import dev.caffemem.report.chart.PlotFormat;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * {@code --plot FILE.svg|FILE.png}: the one chart that answers a command. Checked before any work; drawn only
 * when asked, so that a command without it loads no chart class (the cold start of estimate stays as it was).
 */
public final class PlotOptions {

    @Option(names = "--plot", paramLabel = "FILE.svg|FILE.png",
            description = "Also draw this command's chart into FILE: SVG (text stays text) or PNG, by the extension.")
    Path file;

    /** A file name that is neither .svg nor .png is a usage error, before anything runs. */
    void check() {
        if (file == null) {
            return;
        }
        try {
            PlotFormat.of(file);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--plot " + e.getMessage());
        }
    }

    /** Draws the chart into the file when --plot was given; a file that cannot be written is bad input. */
    void write(Consumer<Path> draw, PrintWriter err, String command) {
        if (file == null) {
            return;
        }
        try {
            draw.accept(file);
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, "--plot " + file + ": cannot write it: " + why(e.getCause()));
        }
        err.println("caffemem " + command + ": chart written to " + file);
        err.flush();
    }

    /** Why a file could not be written, in words (NIO's exceptions carry only the path as their message). */
    static String why(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "its directory does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
