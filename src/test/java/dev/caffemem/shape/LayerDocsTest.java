package dev.caffemem.shape;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/layers.md has one line for each layer type the estimator knows, and the README counts them right. */
class LayerDocsTest {

    @Test
    void everyKnownTypeHasItsLineAndTheCountsAreTrue() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("docs/layers.md"));
        TreeSet<String> documented = new TreeSet<>();
        Pattern entry = Pattern.compile("^- `([A-Za-z0-9]+)`: \\S.*");
        for (String line : lines) {
            Matcher m = entry.matcher(line);
            if (m.matches()) {
                assertThat(documented.add(m.group(1))).as("one line for %s", m.group(1)).isTrue();
            }
        }
        int known = LayerKinds.knownTypes().size();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(LayerKinds.knownTypes());
        assertThat(String.join("\n", lines)).contains("caffemem knows " + known + " of the 59 layer types");
        assertThat(Files.readString(Path.of("README.md"))).contains("Each of the " + known + " layer types of Caffe 1.0 it knows");
    }
}
