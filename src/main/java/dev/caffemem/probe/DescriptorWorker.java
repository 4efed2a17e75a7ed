package dev.caffemem.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.caffe.Descriptor;
import org.bytedeco.caffe.EnumDescriptor;
import org.bytedeco.caffe.EnumValueDescriptor;
import org.bytedeco.caffe.FieldDescriptor;
import org.bytedeco.caffe.FileDescriptor;
import org.bytedeco.caffe.NetParameter;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * The child side of {@link CaffeProtoReader}: walks the descriptor that libcaffe's generated
 * caffe.pb.cc registers (the file of NetParameter's descriptor) and writes it as a
 * {@link CaffeProto} in JSON to the file named by the first argument.
 *
 * <p>Run only in a child JVM: naming a Caffe class loads its natives. Reading a descriptor calls
 * no Caffe code that can abort, but the parent must stay free of natives all the same.
 */
public final class DescriptorWorker {

    private DescriptorWorker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: DescriptorWorker <result.json>");
        }
        CaffeProto proto;
        // name(), full_name() and friends hand back copies of C++ strings: the scope frees them
        try (PointerScope scope = new PointerScope()) {
            proto = read(NetParameter.descriptor().file());
        }
        new ObjectMapper().writeValue(new File(args[0]), proto);
    }

    private static CaffeProto read(FileDescriptor file) {
        List<CaffeProto.EnumInfo> enums = new ArrayList<>();
        for (int i = 0; i < file.enum_type_count(); i++) {
            enums.add(enumInfo(file.enum_type(i)));
        }
        List<CaffeProto.MessageInfo> messages = new ArrayList<>();
        int[] extensions = {file.extension_count()};
        for (int i = 0; i < file.message_type_count(); i++) {
            messages.add(message(file.message_type(i), extensions));
        }
        String syntax = text(FileDescriptor.SyntaxName(file.syntax()));
        return new CaffeProto(text(file.name()), text(file._package()), syntax, enums, messages, extensions[0]);
    }

    private static CaffeProto.MessageInfo message(Descriptor type, int[] extensions) {
        extensions[0] += type.extension_count();
        List<CaffeProto.FieldInfo> fields = new ArrayList<>();
        for (int i = 0; i < type.field_count(); i++) {
            fields.add(field(type.field(i)));
        }
        List<CaffeProto.EnumInfo> enums = new ArrayList<>();
        for (int i = 0; i < type.enum_type_count(); i++) {
            enums.add(enumInfo(type.enum_type(i)));
        }
        List<CaffeProto.MessageInfo> nested = new ArrayList<>();
        for (int i = 0; i < type.nested_type_count(); i++) {
            nested.add(message(type.nested_type(i), extensions));
        }
        return new CaffeProto.MessageInfo(text(type.full_name()), fields, enums, nested);
    }

    private static CaffeProto.FieldInfo field(FieldDescriptor f) {
        int type = f.type();
        String typeName = null;
        if (type == FieldDescriptor.TYPE_MESSAGE || type == FieldDescriptor.TYPE_GROUP) {
            typeName = text(f.message_type().full_name());
        } else if (type == FieldDescriptor.TYPE_ENUM) {
            typeName = text(f.enum_type().full_name());
        }
        String label = switch (f.label()) {
            case FieldDescriptor.LABEL_REPEATED -> "repeated";
            case FieldDescriptor.LABEL_REQUIRED -> "required";
            default -> "optional";
        };
        String defaultValue = f.is_repeated() ? null : defaultValue(f, type);
        String oneof = f.containing_oneof() == null || f.containing_oneof().isNull()
                ? null : text(f.containing_oneof().name());
        return new CaffeProto.FieldInfo(text(f.name()), f.number(), label, text(FieldDescriptor.TypeName(type)),
                typeName, f.has_default_value(), defaultValue, f.is_packed(), oneof);
    }

    /** The value an absent singular field reads as, in the text form {@link CaffeProto.FieldInfo} documents. */
    private static String defaultValue(FieldDescriptor f, int type) {
        return switch (type) {
            case FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32 ->
                    Integer.toString(f.default_value_int32());
            case FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64 ->
                    Long.toString(f.default_value_int64());
            case FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32 ->
                    Integer.toUnsignedString(f.default_value_uint32());
            case FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64 ->
                    Long.toUnsignedString(f.default_value_uint64());
            case FieldDescriptor.TYPE_FLOAT -> Float.toString(f.default_value_float());
            case FieldDescriptor.TYPE_DOUBLE -> Double.toString(f.default_value_double());
            case FieldDescriptor.TYPE_BOOL -> Boolean.toString(f.default_value_bool());
            case FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES -> {
                // the preset hands back null, not a pointer, for an empty default string
                BytePointer value = f.default_value_string();
                yield value == null ? "" : text(value);
            }
            case FieldDescriptor.TYPE_ENUM -> text(f.default_value_enum().name());
            default -> null;
        };
    }

    private static CaffeProto.EnumInfo enumInfo(EnumDescriptor e) {
        List<CaffeProto.ValueInfo> values = new ArrayList<>();
        for (int i = 0; i < e.value_count(); i++) {
            EnumValueDescriptor v = e.value(i);
            values.add(new CaffeProto.ValueInfo(text(v.name()), v.number()));
        }
        return new CaffeProto.EnumInfo(text(e.full_name()), values);
    }

    private static String text(BytePointer p) {
        return p.getString(StandardCharsets.UTF_8);
    }
}
