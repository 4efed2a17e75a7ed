package dev.caffemem.prototxt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The message and enum types that prototxt files are checked against. {@link #caffe()} is
 * Caffe 1.0's caffe.proto, read once from {@code caffe-1.0.schema} (format described there).
 */
public final class Schema {

    private static final String CAFFE_RESOURCE = "caffe-1.0.schema";

    private final String packageName;
    private final Map<String, MessageType> messages;
    private final SchemaReader reader;

    /** Messages keyed by name ("LayerParameter"); enums are looked up through the reader. */
    Schema(String packageName, Map<String, MessageType> messages, SchemaReader reader) {
        this.packageName = packageName;
        this.messages = messages;
        this.reader = reader;
    }

    /** Caffe 1.0's schema, loaded on first use and shared. */
    public static Schema caffe() {
        return CaffeHolder.CAFFE;
    }

    /** Reads a schema in the line format of {@code caffe-1.0.schema}; errors name the line. */
    static Schema fromText(String text, String sourceName) {
        return SchemaReader.read(text.getBytes(StandardCharsets.UTF_8), sourceName);
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

    /** The protobuf package ("caffe"). */
    public String packageName() {
        return packageName;
    }

    private String withoutPackage(String name) {
        int length = packageName.length();
        boolean qualified = name.length() > length && name.charAt(length) == '.' && name.startsWith(packageName);
        return qualified ? name.substring(length + 1) : name;
    }

    /** Lazy holder: the resource is read on the first call of {@link #caffe()}, by one thread. */
    private static final class CaffeHolder {
        static final Schema CAFFE = load(CAFFE_RESOURCE);

        private static Schema load(String resource) {
            try (InputStream in = Schema.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                return SchemaReader.read(in.readAllBytes(), resource);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read resource " + resource, e);
            }
        }
    }
}
