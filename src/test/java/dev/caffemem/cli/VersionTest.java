package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.BuildInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code caffemem --version} says the project's version and the Caffe the probe loads, both as pom.xml
 * declares them (the build fills them in), the same values caffemem_build_info carries.
 */
class VersionTest {

    /** The text of the first element {@code tag} of pom.xml after {@code after}. */
    private static String pom(String after, String tag) throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile(Pattern.quote(after) + ".*?<" + tag + ">([^<]+)</" + tag + ">", Pattern.DOTALL)
                .matcher(pom);
        assertThat(m.find()).as(tag + " in pom.xml").isTrue();
        return m.group(1).trim();
    }

    @Test
    void versionIsTheProjectsAndCaffesFromTheBuild() throws Exception {
        String version = pom("<artifactId>caffemem</artifactId>", "version");
        // <caffe.version>1.0-${javacpp.version}</caffe.version>: the caffe artifact every dependency names
        String caffe = pom("<properties>", "caffe.version").replace("${javacpp.version}",
                pom("<properties>", "javacpp.version"));
        assertThat(caffe).doesNotContain("${");

        CliRun r = CliRun.of("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("caffemem " + version + System.lineSeparator())
                .contains("Caffe " + caffe + " (").doesNotContain("dev").doesNotContain("unknown");
        assertThat(BuildInfo.current()).isEqualTo(new BuildInfo(version, caffe));
    }
}
