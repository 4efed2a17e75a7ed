package dev.caffemem.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Which Caffe natives the probe's child JVM loads, and what it needs for them: the JVM system properties and the
 * environment in {@code native-config/cpu.properties} or {@code native-config/gpu.properties} (bundled into the jar
 * under {@value #RESOURCE_DIR}). Whether this build has a variant's natives at all is decided by looking the
 * variant's marker resources up on the class path, which reads no class and loads no native library: a GPU asked
 * of the CPU-only jar is a one-line error here, not an {@code UnsatisfiedLinkError} in a child.
 */
public final class NativeConfig {
    /** Where the build puts the files of {@code native-config/} inside the jar. */
    public static final String RESOURCE_DIR = "dev/caffemem/native-config/";
    private static final String JVM_PREFIX = "jvm.";
    private static final String ENV_DEFAULT_PREFIX = "env.default.";
    private static final String ENV_PREFIX = "env.";

    private final Device device;
    private final String variant;
    private final String caffeClassifier;
    private final List<String> jvmArgs;
    private final Map<String, String> environment;

    private NativeConfig(Device device, String variant, String caffeClassifier, List<String> jvmArgs,
                         Map<String, String> environment) {
        this.device = device;
        this.variant = variant;
        this.caffeClassifier = caffeClassifier;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** For {@code --device cpu|gpu:N} in this process: its class path, its environment, its file system. */
    public static NativeConfig forDevice(String deviceOption) {
        return select(Device.parse(deviceOption), NativeConfig.class.getClassLoader(), System.getenv(), Files::isDirectory);
    }

    /**
     * @param loader      the class path the child will have (the same as this process's, for the probe)
     * @param parentEnv   the environment the child would inherit
     * @param isDirectory tells which library directories exist
     * @throws NativeConfigException NOT_BUILT when the class path lacks the device's natives
     */
    public static NativeConfig select(Device device, ClassLoader loader, Map<String, String> parentEnv,
                                      Predicate<Path> isDirectory) {
        String variant = variant(device.kind());
        Properties config = read(variant, loader);
        List<String> missing = missingResources(config, loader);
        if (!missing.isEmpty()) {
            throw new NativeConfigException(NativeConfigException.Reason.NOT_BUILT, "--device " + device + ": "
                    + config.getProperty("require.hint", "the " + variant + " natives are not on the class path")
                    + " (missing: " + String.join(", ", missing) + ")");
        }
        List<String> jvmArgs = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        // sorted, so that the arguments and the environment do not depend on hash order
        for (Map.Entry<String, String> e : new TreeMap<>(asMap(config)).entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key.startsWith(JVM_PREFIX)) {
                jvmArgs.add("-D" + key.substring(JVM_PREFIX.length()) + "=" + value);
            } else if (key.startsWith(ENV_DEFAULT_PREFIX)) {
                String name = key.substring(ENV_DEFAULT_PREFIX.length());
                if (!parentEnv.containsKey(name)) {
                    env.put(name, value);
                }
            } else if (key.startsWith(ENV_PREFIX)) {
                env.put(key.substring(ENV_PREFIX.length()), value);
            }
        }
        String libraryPath = libraryPath(parentEnv.get("LD_LIBRARY_PATH"), config.getProperty("ld.library.path.append", ""),
                isDirectory);
        if (libraryPath != null) {
            env.put("LD_LIBRARY_PATH", libraryPath);
        }
        return new NativeConfig(device, variant, config.getProperty("caffe.classifier", ""), jvmArgs, env);
    }

    /** Whether this class path has every marker resource of the GPU variant (a jar built with -Pgpu). */
    public static boolean gpuSupportBuiltIn(ClassLoader loader) {
        return missingResources(read(variant(Device.Kind.GPU), loader), loader).isEmpty();
    }

    public static boolean gpuSupportBuiltIn() {
        return gpuSupportBuiltIn(NativeConfig.class.getClassLoader());
    }

    public Device device() {
        return device;
    }

    /** {@code cpu} or {@code gpu}: the name of the native configuration. */
    public String variant() {
        return variant;
    }

    /** The classifier of JavaCPP's Caffe natives this variant loads, e.g. {@code linux-x86_64-gpu}. */
    public String caffeClassifier() {
        return caffeClassifier;
    }

    /** {@code -D...} options for the child JVM, before its main class. */
    public List<String> jvmArgs() {
        return jvmArgs;
    }

    /** Environment variables to set in the child, on top of what it inherits. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Applies {@link #environment()} to a child's environment. */
    public void applyTo(Map<String, String> childEnv) {
        childEnv.putAll(environment);
    }

    @Override
    public String toString() {
        return device + " (" + caffeClassifier + " natives; " + String.join(" ", jvmArgs)
                + (environment.isEmpty() ? "" : "; " + environment) + ")";
    }

    private static String variant(Device.Kind kind) {
        return kind == Device.Kind.GPU ? "gpu" : "cpu";
    }

    private static Properties read(String variant, ClassLoader loader) {
        String resource = RESOURCE_DIR + variant + ".properties";
        Properties config = new Properties();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new NativeConfigException(NativeConfigException.Reason.BAD_CONFIG, "the native configuration "
                        + resource + " is missing from the class path (a broken build: rebuild with mvn package)");
            }
            config.load(in);
        } catch (IOException e) {
            throw new NativeConfigException(NativeConfigException.Reason.BAD_CONFIG, "cannot read the native "
                    + "configuration " + resource + ": " + e.getMessage());
        }
        if (!variant.equals(config.getProperty("variant"))) {
            throw new NativeConfigException(NativeConfigException.Reason.BAD_CONFIG, resource + " says variant="
                    + config.getProperty("variant") + ", not " + variant);
        }
        return config;
    }

    private static List<String> missingResources(Properties config, ClassLoader loader) {
        List<String> missing = new ArrayList<>();
        for (String resource : config.getProperty("require.resources", "").split(",")) {
            String r = resource.trim();
            if (!r.isEmpty() && loader.getResource(r) == null) {
                missing.add(r);
            }
        }
        return missing;
    }

    /**
     * The parent's path, kept as it is, plus every hinted directory that exists and is not on it yet; null when
     * nothing is added.
     */
    private static String libraryPath(String parent, String append, Predicate<Path> isDirectory) {
        Set<String> present = new LinkedHashSet<>(parent == null ? List.of() : Arrays.asList(parent.split(":")));
        List<String> added = Arrays.stream(append.split(":")).map(String::trim).filter(s -> !s.isEmpty())
                .filter(s -> !present.contains(s)).distinct().filter(s -> isDirectory.test(Path.of(s))).toList();
        if (added.isEmpty()) {
            return null;
        }
        String tail = String.join(":", added);
        return parent == null || parent.isEmpty() ? tail : parent + ":" + tail;
    }

    private static Map<String, String> asMap(Properties config) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String key : config.stringPropertyNames()) {
            map.put(key, config.getProperty(key));
        }
        return map;
    }
}
