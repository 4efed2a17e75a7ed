package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed inputs: each must fail with one PrototxtException whose message is exactly
 * "file:line:column: detail", pointing at the offending token.
 */
class TextFormatErrorTest {

    static Stream<Arguments> malformedNets() {
        return Stream.of(
                // structure
                bad("layer {\n  name: \"a\"\n", "net.prototxt:3:1: expected \"}\" to close \"layer\" opened at 1:1, found end of file"),
                bad("name: \"n\"\nlayer {\n  convolution_param {\n    num_output: 1\n}\n",
                        "net.prototxt:6:1: expected \"}\" to close \"layer\" opened at 2:1, found end of file"),
                bad("name: \"n\"\n}\n", "net.prototxt:2:1: expected a field name (there is no open \"{\" to close), found \"}\""),
                bad("layer < name: \"a\" }", "net.prototxt:1:19: expected \">\" to close \"layer\" opened at 1:1, found \"}\""),
                bad("layer { 12 }", "net.prototxt:1:9: expected a field name or \"}\", found \"12\""),
                bad("@name: \"x\"", "net.prototxt:1:1: expected a field name, found \"@\""),
                bad("layer { name: \"a\" };;", "net.prototxt:1:21: expected a field name, found \";\""),
                // field names and repetition
                bad("layer {\n  name: \"a\"\n  foo: 1\n}", "net.prototxt:3:3: Message type \"caffe.LayerParameter\" has no field named \"foo\"."),
                bad("layers { layer { name: \"x\" } }\nlayer { layer { } }",
                        "net.prototxt:2:9: Message type \"caffe.LayerParameter\" has no field named \"layer\"."),
                bad("name: \"a\"\nname: \"b\"", "net.prototxt:2:1: Non-repeated field \"name\" is specified multiple times."),
                bad("layer { convolution_param { } convolution_param { } }",
                        "net.prototxt:1:31: Non-repeated field \"convolution_param\" is specified multiple times."),
                // colons and delimiters
                bad("layer {\n  bottom \"data\"\n}", "net.prototxt:2:10: expected \":\" after field name \"bottom\", found \"\\\"data\\\"\""),
                bad("name { }", "net.prototxt:1:6: expected \":\" after field name \"name\" (it is string, not a message), found \"{\""),
                bad("layer \"x\"", "net.prototxt:1:7: expected \":\" or \"{\" after field name \"layer\", found \"\\\"x\\\"\""),
                bad("layer: 5", "net.prototxt:1:8: expected \"{\" to start message field \"layer\", found \"5\""),
                bad("state: [{ }]", "net.prototxt:1:8: expected \"{\" to start field \"state\" (it is not repeated, so it takes no list), found \"[\""),
                bad("name: [\"a\"]", "net.prototxt:1:7: expected a value for field \"name\" (it is not repeated, so it takes no list), found \"[\""),
                bad("input_dim: [1, 2", "net.prototxt:1:17: expected \",\" or \"]\" in the list of field \"input_dim\" opened at 1:12, found end of file"),
                bad("input_dim: [1 2]", "net.prototxt:1:15: expected \",\" or \"]\" in the list of field \"input_dim\" opened at 1:12, found \"2\""),
                bad("input_dim: [1, ]", "net.prototxt:1:16: expected a number for field \"input_dim\", found \"]\""),
                bad("layer: [{ }, name: \"x\"]", "net.prototxt:1:14: expected \"{\" to start an element of \"layer\", found \"name\""),
                // strings
                bad("name: \"abc\ninput: \"x\"", "net.prototxt:1:7: expected \"\\\"\" to close the string, found end of line"),
                bad("name: 'abc", "net.prototxt:1:7: expected \"'\" to close the string, found end of file"),
                bad("name: \"a\\qb\"", "net.prototxt:1:9: expected an escape sequence (\\n \\t \\r \\\\ \\' \\\" \\a \\b \\f \\v \\? \\NNN \\xHH \\uHHHH), found \"\\\\q\""),
                bad("name: \"\\xZZ\"", "net.prototxt:1:8: expected an escape sequence (\\n \\t \\r \\\\ \\' \\\" \\a \\b \\f \\v \\? \\NNN \\xHH \\uHHHH), found \"\\\\x\""),
                bad("name: data", "net.prototxt:1:7: expected a string for field \"name\", found \"data\""),
                bad("name: 12", "net.prototxt:1:7: expected a string for field \"name\", found \"12\""),
                // numbers
                bad("layer { convolution_param { num_output: abc } }",
                        "net.prototxt:1:41: expected a number for field \"num_output\", found \"abc\""),
                bad("layer { convolution_param { num_output: 1.5 } }",
                        "net.prototxt:1:41: expected an integer for field \"num_output\", found \"1.5\""),
                bad("layer { convolution_param { num_output: -1 } }",
                        "net.prototxt:1:41: expected a non-negative integer for uint32 field \"num_output\", found \"-1\""),
                bad("layer { convolution_param { num_output: 4294967296 } }",
                        "net.prototxt:1:41: expected a uint32 (0 to 4294967295) for field \"num_output\", found \"4294967296\" (out of range)"),
                bad("input_dim: 2147483648", "net.prototxt:1:12: expected an int32 (-2147483648 to 2147483647) for field \"input_dim\", found \"2147483648\" (out of range)"),
                bad("input_dim: -2147483649", "net.prototxt:1:12: expected an int32 (-2147483648 to 2147483647) for field \"input_dim\", found \"-2147483649\" (out of range)"),
                bad("input_shape { dim: 99999999999999999999 }", "net.prototxt:1:20: expected an int64 (-9223372036854775808 to 9223372036854775807) for field \"dim\", found \"99999999999999999999\" (out of range)"),
                bad("input_dim: 09", "net.prototxt:1:12: expected an octal number (a leading 0 means octal), found \"09\""),
                bad("input_dim: 0x", "net.prototxt:1:12: expected hex digits after \"0x\", found \"0x\""),
                bad("input_dim: 12abc", "net.prototxt:1:12: expected a space or separator after a number, found \"12abc\""),
                bad("layer { loss_weight: 1.5.2 }", "net.prototxt:1:22: expected at most one decimal point or exponent in a number, found \"1.5.2\""),
                bad("layer { loss_weight: 1e+ }", "net.prototxt:1:22: expected digits in the exponent of a number, found \"1e+\""),
                bad("layer { loss_weight: 0x10 }", "net.prototxt:1:22: expected a decimal number for field \"loss_weight\", found \"0x10\""),
                bad("layer { loss_weight: one }", "net.prototxt:1:22: expected a number for field \"loss_weight\", found \"one\""),
                bad("layer { loss_weight: \"1\" }", "net.prototxt:1:22: expected a number for field \"loss_weight\", found \"\\\"1\\\"\""),
                // bools and enums
                bad("force_backward: yes", "net.prototxt:1:17: expected true or false for field \"force_backward\", found \"yes\""),
                bad("force_backward: 2", "net.prototxt:1:17: expected true or false for field \"force_backward\", found \"2\""),
                bad("force_backward: TRUE", "net.prototxt:1:17: expected true or false for field \"force_backward\", found \"TRUE\""),
                bad("layer {\n  pooling_param {\n    pool: MAXIMUM\n  }\n}",
                        "net.prototxt:3:11: Unknown enumeration value of \"MAXIMUM\" for field \"pool\"."),
                bad("layer { pooling_param { pool: 7 } }", "net.prototxt:1:31: Unknown enumeration value of \"7\" for field \"pool\"."),
                bad("layer { pooling_param { pool: -1 } }", "net.prototxt:1:31: Unknown enumeration value of \"-1\" for field \"pool\"."),
                bad("layer { pooling_param { pool: \"MAX\" } }",
                        "net.prototxt:1:31: expected an enum value (name or number) for field \"pool\", found \"\\\"MAX\\\"\""),
                bad("layer { phase: train }", "net.prototxt:1:16: Unknown enumeration value of \"train\" for field \"phase\"."),
                // odd characters are shown escaped
                bad("name: \"a\"\n\u0001", "net.prototxt:2:1: expected a field name, found \"\\u0001\""),
                bad("\uFEFFname: \"a\"", "net.prototxt:1:1: expected a field name, found \"\\uFEFF\""),
                bad("name: \"a\" // C++ comment", "net.prototxt:1:11: expected a field name, found \"/\""));
    }

    @ParameterizedTest
    @MethodSource("malformedNets")
    void reportsOneLineWithPosition(String text, String expected) {
        PrototxtException e = catchThrowableOfType(PrototxtException.class,
                () -> TextFormat.parse(text, "net.prototxt", Schema.caffe().message("NetParameter")));
        assertThat(e).as("no error for:\n" + text).isNotNull();
        assertThat(e.getMessage()).isEqualTo(expected).doesNotContain("\n");
        assertThat(e.getMessage()).isEqualTo(e.pos() + ": " + e.detail());
    }

    private static Arguments bad(String text, String message) {
        return Arguments.of(text, message);
    }
}
