package dev.caffemem.device;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Finds, reads, checks and writes device profiles. A profile named {@code v100-16gb} is the file
 * {@code v100-16gb.yaml}, looked up first in each directory given (by default {@code profiles/} in the working
 * directory, then {@code profiles/} next to caffemem's jar), then among the profiles bundled into the jar
 * (resources under {@value #RESOURCE_DIR}): a calibrated profile saved into {@code profiles/} overrides the bundled
 * one of the same name.
 */
public final class DeviceProfiles {
    /** The one schema version this code reads and writes. */
    public static final int SCHEMA = 1;
    /** Where the build puts the files of {@code profiles/} inside the jar. */
    public static final String RESOURCE_DIR = "dev/caffemem/profiles/";
    private static final String EXTENSION = ".yaml";

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .stringQuotingChecker(new QuoteDates())
            .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final List<Path> directories;
    private final ClassLoader resources;

    /**
     * @param directories searched in order, before the bundled profiles; a missing directory is skipped
     * @param resources   where the bundled profiles are, or null for none
     */
    public DeviceProfiles(List<Path> directories, ClassLoader resources) {
        this.directories = List.copyOf(directories);
        this.resources = resources;
    }

    /** {@code profiles/} in the working directory, {@code profiles/} next to the jar, then the bundled ones. */
    public static DeviceProfiles standard() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(Path.of("profiles").toAbsolutePath().normalize());
        jarDirectory().map(d -> d.resolve("profiles").normalize()).filter(d -> !dirs.contains(d)).ifPresent(dirs::add);
        return new DeviceProfiles(dirs, DeviceProfiles.class.getClassLoader());
    }

    public List<Path> directories() {
        return directories;
    }

    /** Every profile name known here: the directories' and the bundled ones, sorted. */
    public List<String> names() {
        TreeSet<String> names = new TreeSet<>();
        for (Path dir : directories) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(EXTENSION))
                            .map(DeviceProfiles::stripExtension).forEach(names::add);
                } catch (IOException e) {
                    throw new DeviceProfileException("cannot list device profiles in " + dir + ": " + e.getMessage(), e);
                }
            }
        }
        names.addAll(bundledNames());
        return List.copyOf(names);
    }

    /** The names of the profiles bundled as resources, sorted. */
    public List<String> bundledNames() {
        if (resources == null) {
            return List.of();
        }
        TreeSet<String> names = new TreeSet<>();
        try {
            Enumeration<URL> roots = resources.getResources(RESOURCE_DIR);
            while (roots.hasMoreElements()) {
                listResourceDirectory(roots.nextElement(), names);
            }
        } catch (IOException e) {
            throw new DeviceProfileException("cannot list the bundled device profiles: " + e.getMessage(), e);
        }
        return List.copyOf(names);
    }

    /** The profile of this name; {@link UnknownProfileException} (listing the known names) if there is none. */
    public DeviceProfile get(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        if (!DeviceProfile.NAME.matcher(wanted).matches()) {
            throw unknown(name);
        }
        for (Path dir : directories) {
            Path file = dir.resolve(wanted + EXTENSION);
            if (Files.isRegularFile(file)) {
                return checkName(load(file), wanted, file.toString());
            }
        }
        if (resources != null) {
            URL url = resources.getResource(RESOURCE_DIR + wanted + EXTENSION);
            if (url != null) {
                try (InputStream in = url.openStream()) {
                    return checkName(parse(in, "bundled profile " + wanted + EXTENSION), wanted,
                            "bundled profile " + wanted + EXTENSION);
                } catch (IOException e) {
                    throw new DeviceProfileException("cannot read bundled profile " + wanted + EXTENSION + ": "
                            + e.getMessage(), e);
                }
            }
        }
        throw unknown(name);
    }

    /**
     * What {@code --profile NAME|FILE} means: a file when the argument names one (a path with a directory, or ending
     * in .yaml, .yml or .json), else a profile name.
     */
    public DeviceProfile resolve(String nameOrFile) {
        if (nameOrFile == null || nameOrFile.isBlank()) {
            throw unknown("");
        }
        String lower = nameOrFile.toLowerCase(Locale.ROOT);
        boolean looksLikeFile = nameOrFile.contains("/") || nameOrFile.contains(java.io.File.separator)
                || lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json");
        if (looksLikeFile) {
            Path file = Path.of(nameOrFile);
            if (!Files.isRegularFile(file)) {
                throw new DeviceProfileException("device profile file " + nameOrFile + " does not exist (known profile "
                        + "names: " + String.join(", ", names()) + ")");
            }
            return load(file);
        }
        return get(nameOrFile);
    }

    /** Reads and checks one profile file (YAML; JSON is YAML too). */
    public static DeviceProfile load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DeviceProfileException("device profile " + file + " does not exist", e);
        } catch (IOException e) {
            throw new DeviceProfileException("cannot read device profile " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads and checks one profile; {@code origin} names it in error messages. */
    public static DeviceProfile parse(InputStream in, String origin) {
        DeviceProfile profile;
        try {
            JsonNode tree = YAML.readTree(in);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new DeviceProfileException(origin + ": empty device profile");
            }
            profile = YAML.treeToValue(tree, DeviceProfile.class);
        } catch (JacksonException e) {
            throw new DeviceProfileException(origin + describe(e), e);
        } catch (IOException e) {
            throw new DeviceProfileException("cannot read " + origin + ": " + e.getMessage(), e);
        }
        List<String> problems = profile.problems();
        if (!problems.isEmpty()) {
            throw new DeviceProfileException(origin + ": " + String.join("; ", problems));
        }
        return profile;
    }

    /**
     * Writes a profile (checked first) as YAML, atomically: a reader sees the old file or the new one, never half.
     * The header names the device; comments of an earlier file are not kept.
     */
    public static void save(DeviceProfile profile, Path file) {
        List<String> problems = profile.problems();
        if (!problems.isEmpty()) {
            throw new DeviceProfileException("refusing to save device profile \"" + profile.name() + "\" to " + file
                    + ": " + String.join("; ", problems));
        }
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            try {
                try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    out.write(toYaml(profile));
                }
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new DeviceProfileException("cannot write device profile " + file + ": " + e.getMessage(), e);
        }
    }

    /** The YAML {@link #save} writes, with a one-line header. */
    public static String toYaml(DeviceProfile profile) {
        try {
            return "# caffemem device profile (schema " + SCHEMA + "): " + profile.vendor() + " " + profile.model()
                    + ". Fields: profiles/README.md.\n" + YAML.writeValueAsString(profile);
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot write a device profile as YAML", e);
        }
    }

    private DeviceProfile checkName(DeviceProfile profile, String wanted, String origin) {
        if (!profile.name().equals(wanted)) {
            throw new DeviceProfileException(origin + ": declares name \"" + profile.name() + "\", but is looked up as \""
                    + wanted + "\"; the name and the file name must agree");
        }
        return profile;
    }

    private UnknownProfileException unknown(String name) {
        List<String> known = names();
        String lower = name.trim().toLowerCase(Locale.ROOT);
        List<String> close = lower.isEmpty() ? List.of()
                : known.stream().filter(k -> k.startsWith(lower) || k.contains(lower) || lower.startsWith(k)).toList();
        StringBuilder message = new StringBuilder(lower.isEmpty() ? "no device profile named"
                : "unknown device profile \"" + name + "\"");
        if (!close.isEmpty()) {
            message.append(" (did you mean ").append(String.join(" or ", close)).append("?)");
        }
        message.append("; known profiles: ").append(known.isEmpty() ? "none" : String.join(", ", known))
                .append("; or give a profile file (NAME.yaml)");
        return new UnknownProfileException(message.toString(), known);
    }

    private static void listResourceDirectory(URL root, TreeSet<String> names) throws IOException {
        switch (root.getProtocol()) {
            case "file" -> {
                Path dir;
                try {
                    dir = Path.of(root.toURI());
                } catch (URISyntaxException e) {
                    throw new IOException(e);
                }
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(EXTENSION))
                            .map(DeviceProfiles::stripExtension).forEach(names::add);
                }
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) root.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                        String entry = entries.nextElement().getName();
                        if (entry.startsWith(RESOURCE_DIR) && entry.endsWith(EXTENSION)
                                && entry.indexOf('/', RESOURCE_DIR.length()) < 0) {
                            names.add(stripExtension(entry.substring(RESOURCE_DIR.length())));
                        }
                    }
                }
            }
            default -> {
                // another kind of class path entry (e.g. a custom loader): its profiles can still be read by name
            }
        }
    }

    private static String stripExtension(String fileName) {
        return fileName.substring(0, fileName.length() - EXTENSION.length());
    }

    /** ": field.path: what is wrong" for a field that does not fit, ":line:column: what" for bad YAML. */
    private static String describe(JacksonException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException y && y.getProblemMark() != null) {
                return ":" + (y.getProblemMark().getLine() + 1) + ":" + (y.getProblemMark().getColumn() + 1) + ": "
                        + y.getProblem() + (y.getContext() == null ? "" : " (" + y.getContext() + ")");
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return ": " + path(u) + ": unknown field (known here: " + String.join(", ",
                    u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()) + ")";
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return ": " + path(m) + ": " + m.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ");
        }
        var where = e.getLocation();
        String at = where == null || where.getLineNr() < 1 ? "" : ":" + where.getLineNr() + ":" + where.getColumnNr();
        return at + ": " + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Quotes, besides what Jackson quotes, strings a YAML 1.1 reader would take for a date (provenance.date). */
    private static final class QuoteDates extends StringQuotingChecker.Default {
        private static final java.util.regex.Pattern DATE_LIKE = java.util.regex.Pattern.compile("\\d{4}-\\d{1,2}-\\d{1,2}([Tt ].*)?");

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || DATE_LIKE.matcher(value).matches();
        }
    }

    /** The directory of the jar this class was loaded from, if it was loaded from a jar. */
    private static Optional<Path> jarDirectory() {
        try {
            var source = DeviceProfiles.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return location.toString().endsWith(".jar") ? Optional.ofNullable(location.getParent()) : Optional.empty();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
