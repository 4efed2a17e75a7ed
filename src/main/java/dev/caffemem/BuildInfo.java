package dev.caffemem;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What was built: the project's version and the Caffe the probe loads, from {@code build.properties},
 * which Maven's resource filtering fills in (pom.xml). A resource rather than the jar manifest, so that
 * tests and runs from {@code target/classes} see the same values as the jar. {@code caffemem --version}
 * prints them, and {@code caffemem_build_info} exports them as labels.
 *
 * @param version the project's version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param caffe   the version of the caffe artifact the probe loads: Caffe 1.0 through the JavaCPP presets,
 *                e.g. {@code 1.0-1.5.8}
 */
public record BuildInfo(String version, String caffe) {
    private static final String RESOURCE = "build.properties";
    private static final BuildInfo CURRENT = load();

    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new BuildInfo(value(p, "version"), value(p, "caffe"));
    }

    /** "unknown" where the build did not fill the value in (classes compiled by an IDE without Maven's filtering). */
    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() || v.contains("${") ? "unknown" : v.trim();
    }
}
