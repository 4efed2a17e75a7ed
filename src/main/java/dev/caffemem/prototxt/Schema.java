package dev.caffemem.prototxt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The message and enum types that prototxt files are checked against. {@link #caffe()} is
 * Caffe 1.0's caffe.proto, read once from {@code caffe-1.0.schema} (format described there),
 * with the overlays of {@link #OVERLAYS} on top: forks' messages and fields, each overlay citing
 * its fork's proto file. See docs/schema.md.
 */
public final class Schema {

    /** Caffe 1.0's own schema, checked field by field against libcaffe's descriptor by a test. */
    public static final String CAFFE_RESOURCE = "caffe-1.0.schema";

    /**
     * Overlay resources (next to caffe-1.0.schema) that {@link #caffe()} layers on Caffe 1.0, in
     * this order. Each may only add messages, enums and fields; a clash is an error when read.
     */
    static final List<String> OVERLAYS = List.of("ssd.schema", "fast-rcnn.schema", "pspnet.schema");

    private final String packageName;
    private final Map<String, MessageType> messages;
    private final SchemaReader reader;

    /** Messages keyed by name ("LayerParameter"); enums are looked up through the reader. */
    Schema(String packageName, Map<String, MessageType> messages, SchemaReader reader) {
        this.packageName = packageName;
        this.messages = messages;
        this.reader = reader;
    }

    /** Caffe 1.0's schema with the overlays on top, loaded on first use and shared. */
    public static Schema caffe() {
        return CaffeHolder.CAFFE;
    }

    /**
     * Resources of this package layered in order: a base schema, then overlays on it (the
     * layering itself is checked at once; each message's fields when first used).
     */
    public static Schema load(List<String> resources) {
        List<byte[]> texts = new ArrayList<>(resources.size());
        for (String resource : resources) {
            texts.add(resourceBytes(resource));
        }
        return SchemaReader.read(texts, resources);
    }

    /** Reads a schema in the line format of {@code caffe-1.0.schema}; errors name the line. */
    static Schema fromText(String text, String sourceName) {
        return SchemaReader.read(text.getBytes(StandardCharsets.UTF_8), sourceName);
    }

    /** Texts layered in order (a base, then overlays), each named for errors. */
    static Schema fromTexts(List<String> texts, List<String> sourceNames) {
        List<byte[]> bytes = new ArrayList<>(texts.size());
        for (String text : texts) {
            bytes.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return SchemaReader.read(bytes, sourceNames);
    }

    /** The message type of that name ("LayerParameter" or "caffe.LayerParameter"). */
    public MessageType message(String name) {
        MessageType type = messages.get(withoutPackage(name));
        if (type == null) {
            throw new IllegalArgumentException("no message type named \"" + name + "\" in " + packageName);
        }
        return type;
    }

    /** The enum type of that scoped name ("Phase", "PoolingParameter.PoolMethod", with or without package). */
    public EnumType enumType(String name) {
        EnumType type = reader.findEnum(withoutPackage(name));
        if (type == null) {
            throw new IllegalArgumentException("no enum type named \"" + name + "\" in " + packageName);
        }
        return type;
    }

    /** All message types in declaration order. */
    public List<MessageType> messages() {
        return List.copyOf(messages.values());
    }

    /** All enum types in declaration order. */
    public List<EnumType> enums() {
        return reader.allEnums();
    }

    /** What each layer transcribes, from its {@code source} line, base first. */
    public List<String> sources() {
        return reader.sources();
    }

    /** The protobuf package ("caffe"). */
    public String packageName() {
        return packageName;
    }

    private String withoutPackage(String name) {
        int length = packageName.length();
        boolean qualified = name.length() > length && name.charAt(length) == '.' && name.startsWith(packageName);
        return qualified ? name.substring(length + 1) : name;
    }

    private static byte[] resourceBytes(String resource) {
        try (InputStream in = Schema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + resource, e);
        }
    }

    /** Lazy holder: the resources are read on the first call of {@link #caffe()}, by one thread. */
    private static final class CaffeHolder {
        static final Schema CAFFE = load(layers());

        private static List<String> layers() {
            List<String> all = new ArrayList<>(OVERLAYS.size() + 1);
            all.add(CAFFE_RESOURCE);
            all.addAll(OVERLAYS);
            return all;
        }
    }
}
