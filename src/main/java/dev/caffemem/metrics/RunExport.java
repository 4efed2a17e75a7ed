package dev.caffemem.metrics;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a one-shot run ({@code caffemem estimate}, {@code caffemem probe}) sends its metrics when it
 * ends: a file, a Pushgateway, or both.
 *
 * <p>A run that produced its report writes the file and replaces the job's group on the Pushgateway
 * (PUT), so series of an earlier net or batch do not linger. A run that failed leaves the file as it
 * was and only adds {@code caffemem_last_failure_timestamp_seconds} to the group (POST): the last good
 * numbers and {@code caffemem_last_success_timestamp_seconds} stay, and their age says the job fails.
 *
 * @param file    the metrics file, or null
 * @param gateway the Pushgateway, or null
 */
public record RunExport(Path file, PushGateway gateway) {

    /** What went wrong, each as one line, or null. */
    public record Outcome(String fileError, String pushError) {
    }

    public boolean any() {
        return file != null || gateway != null;
    }

    /** Exports a finished run's metrics. Never throws: each failure becomes a line in the outcome. */
    public Outcome finish(CaffememMeters meters, String command, boolean succeeded) {
        String fileError = null;
        String pushError = null;
        try {
            String text;
            if (succeeded) {
                meters.succeeded(command);
                text = meters.scrape();
                if (file != null) {
                    try {
                        MetricsFile.write(file, text);
                    } catch (IOException e) {
                        fileError = "cannot write the metrics file " + file + ": " + why(e);
                    }
                }
            } else {
                CaffememMeters failure = new CaffememMeters();
                failure.failed(command);
                text = failure.scrape();
            }
            if (gateway != null) {
                try {
                    gateway.push(text, succeeded);
                } catch (IOException e) {
                    pushError = "pushing metrics to " + gateway.groupUri() + " failed: " + e.getMessage();
                }
            }
        } catch (RuntimeException e) {
            // a bug here must not lose the report that is already printed: say it once, as the push's failure
            // when there is a push (that is what exit code 14 reports), else as the file's
            String why = "exporting metrics failed: " + e;
            return gateway != null ? new Outcome(fileError, why) : new Outcome(why, null);
        }
        return new Outcome(fileError, pushError);
    }

    /** An I/O failure in words: the file system's exceptions carry only a path as their message. */
    static String why(IOException e) {
        String what = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getClass().getSimpleName();
        return e instanceof java.nio.file.FileSystemException f && f.getFile() != null ? what + " (" + f.getFile() + ")"
                : e.getMessage() != null ? what + ": " + e.getMessage() : what;
    }
}
