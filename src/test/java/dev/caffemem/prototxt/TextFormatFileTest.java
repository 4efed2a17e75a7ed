package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading prototxt files: names in positions, I/O errors as PrototxtException at 0:0. */
class TextFormatFileTest {

    @TempDir
    Path dir;

    @Test
    void readsUtf8FilesAndNamesThemInErrors() throws IOException {
        Path file = dir.resolve("net.prototxt");
        Files.writeString(file, "name: \"réseau\"\nlayer { name: 1 }\n", StandardCharsets.UTF_8);
        MessageType net = Schema.caffe().message("NetParameter");
        assertThatThrownBy(() -> TextFormat.parse(file, net)).isInstanceOf(PrototxtException.class)
                .hasMessage(file + ":2:15: expected a string for field \"name\", found \"1\"");
        Files.writeString(file, "name: \"réseau\"\n", StandardCharsets.UTF_8);
        assertThat(TextFormat.parse(file, net).getString("name")).isEqualTo("réseau");
    }

    @Test
    void reportsMissingFilesAtLineZero() {
        Path missing = dir.resolve("missing.prototxt");
        assertThatThrownBy(() -> TextFormat.parse(missing, Schema.caffe().message("NetParameter")))
                .isInstanceOf(PrototxtException.class)
                .hasMessage(missing + ":0:0: cannot read: No such file")
                .satisfies(e -> assertThat(((PrototxtException) e).pos()).isEqualTo(new SourcePos(missing.toString(), 0, 0)));
    }

    @Test
    void reportsDirectoriesAsUnreadable() {
        assertThatThrownBy(() -> TextFormat.parse(dir, Schema.caffe().message("NetParameter")))
                .isInstanceOf(PrototxtException.class)
                .hasMessageStartingWith(dir + ":0:0: cannot read: ");
    }

    @Test
    void toleratesInvalidUtf8OutsideStrings() throws IOException {
        Path file = dir.resolve("latin1.prototxt");
        Files.write(file, new byte[] {'#', ' ', (byte) 0xE9, '\n', 'n', 'a', 'm', 'e', ':', ' ', '"', 'x', '"'});
        assertThat(TextFormat.parse(file, Schema.caffe().message("NetParameter")).getString("name")).isEqualTo("x");
    }
}
