package dev.caffemem.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.caffemem.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The deployment files under docker/ parse, and say what they must: there is no Docker engine, Kubernetes cluster or
 * GPU where this runs, so this is the check that they stay consistent with each other and with the repository.
 */
class DeploymentFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path DOCKER = Path.of("docker");

    @Test
    void composeRunsTheGpuProbeNextToPrometheusAndAPushgateway() throws IOException {
        JsonNode services = yaml(DOCKER.resolve("docker-compose.yml")).path("services");
        assertThat(names(services)).contains("probe", "probe-cpu", "prometheus", "pushgateway", "grafana");
        JsonNode probe = services.path("probe");
        assertThat(probe.path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile.gpu");
        assertThat(texts(probe.path("command"))).containsSubsequence("probe", "--device", "gpu:0", "--verify")
                .containsSubsequence("--push-gateway", "http://pushgateway:9091");
        JsonNode gpu = probe.path("deploy").path("resources").path("reservations").path("devices").path(0);
        assertThat(gpu.path("driver").asText()).isEqualTo("nvidia");
        assertThat(gpu.path("count").asInt()).isEqualTo(1);
        assertThat(texts(gpu.path("capabilities"))).containsExactly("gpu");
        assertThat(services.path("probe-cpu").path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(texts(services.path("prometheus").path("volumes")))
                .contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        JsonNode dashboard = services.path("grafana").path("volumes").path(1);
        assertThat(dashboard.path("source").asText()).isEqualTo("./grafana-caffemem.json");
        // optional services stay out of a plain `docker compose up`
        assertThat(texts(services.path("grafana").path("profiles"))).containsExactly("grafana");
        assertThat(texts(services.path("probe-cpu").path("profiles"))).containsExactly("cpu");
        for (String local : List.of("./prometheus.yml", "./grafana/provisioning", "./nets")) {
            assertThat(DOCKER.resolve(local)).as(local).exists();
        }
    }

    /**
     * The agent in a container listens on 0.0.0.0 (its default, loopback, is the container's own: neither Prometheus
     * nor a published port reaches it), on the port that is published and that Prometheus scrapes, and serves files
     * that its volumes bring in.
     */
    @Test
    void composeRunsServeOpenInsideItsContainerAndPrometheusScrapesIt() throws IOException {
        JsonNode serve = yaml(DOCKER.resolve("docker-compose.yml")).path("services").path("serve");
        assertThat(serve.path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        List<String> command = texts(serve.path("command"));
        assertThat(command).startsWith("serve").containsSubsequence("--bind", "0.0.0.0");
        String port = command.get(command.indexOf("--port") + 1);
        assertThat(port).matches("[0-9]+");
        assertThat(texts(serve.path("ports"))).containsExactly("127.0.0.1:" + port + ":" + port);
        assertThat(texts(serve.path("profiles"))).containsExactly("serve");
        // every file the command names comes in through a volume mounted under the working directory /work
        assertThat(texts(serve.path("volumes"))).contains("../examples:/work/examples:ro");
        for (String arg : command) {
            if (arg.endsWith(".prototxt")) {
                assertThat(arg).startsWith("examples/");
                assertThat(Path.of(arg)).as(arg).exists();
            }
        }
        JsonNode scrape = yaml(DOCKER.resolve("prometheus.yml")).path("scrape_configs");
        JsonNode job = StreamSupport.stream(scrape.spliterator(), false)
                .filter(c -> c.path("job_name").asText().equals("caffemem-serve")).findFirst().orElseThrow();
        assertThat(texts(job.path("static_configs").path(0).path("targets"))).containsExactly("serve:" + port);
        // outside a container the default stays loopback, and the help says when to open it
        CliRun help = CliRun.of("serve", "--help");
        assertThat(help.out()).contains("Default: 127.0.0.1").contains("in a container");
    }

    @Test
    void prometheusScrapesThePushgatewayHonouringItsLabels() throws IOException {
        JsonNode scrape = yaml(DOCKER.resolve("prometheus.yml")).path("scrape_configs");
        JsonNode pushgateway = StreamSupport.stream(scrape.spliterator(), false)
                .filter(c -> c.path("job_name").asText().equals("pushgateway")).findFirst().orElseThrow();
        assertThat(pushgateway.path("honor_labels").asBoolean()).isTrue();
        assertThat(texts(pushgateway.path("static_configs").path(0).path("targets"))).containsExactly("pushgateway:9091");
        assertThat(yaml(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml")).path("datasources").path(0)
                .path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(yaml(DOCKER.resolve("grafana/provisioning/dashboards/caffemem.yml")).path("providers").path(0)
                .path("options").path("path").asText()).isEqualTo("/var/lib/grafana/dashboards");
    }

    @Test
    void theCalibrationJobAsksForOneGpuOnAGpuNode() throws IOException {
        JsonNode job = yaml(DOCKER.resolve("k8s/calibrate-job.yaml"));
        assertThat(job.path("apiVersion").asText()).isEqualTo("batch/v1");
        assertThat(job.path("kind").asText()).isEqualTo("Job");
        JsonNode pod = job.path("spec").path("template").path("spec");
        assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
        assertThat(names(pod.path("nodeSelector"))).isNotEmpty();
        assertThat(pod.path("tolerations").path(0).path("key").asText()).isEqualTo("nvidia.com/gpu");
        JsonNode container = pod.path("containers").path(0);
        assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(container.path("args").path(0).asText()).contains("caffemem calibrate --device gpu:0 --save-profile")
                .contains("--push-gateway \"${PUSHGATEWAY_URL}\"");
        assertThat(pod.path("volumes").findValuesAsText("name")).contains("caffemem-profiles");
        List<String> mounted = container.path("volumeMounts").findValuesAsText("mountPath");
        assertThat(mounted).contains("/opt/caffemem/profiles", "/tmp", "/home/caffemem");
    }

    @Test
    void theDockerfilesBuildFromWhatTheContextSends() throws IOException {
        List<String> dockerignore = Files.readAllLines(Path.of(".dockerignore"));
        for (String name : List.of("Dockerfile", "Dockerfile.gpu")) {
            String text = Files.readString(DOCKER.resolve(name));
            assertThat(text).as(name).contains("ENTRYPOINT [\"caffemem\"]")
                    .contains("COPY --chmod=755 docker/caffemem.sh /usr/local/bin/caffemem");
            Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(?:--chmod=\\S+ )?(\\S+) ").matcher(text);
            List<String> sources = new ArrayList<>();
            while (copy.find()) {
                sources.add(copy.group(1));
            }
            assertThat(sources).as(name).contains("pom.xml", "src", "profiles", "native-config");
            for (String source : sources) {
                assertThat(Path.of(source)).as(name + " copies " + source).exists();
                assertThat(dockerignore).as(".dockerignore lets " + source + " through")
                        .anyMatch(l -> l.equals("!" + source) || l.equals("!" + source + "/"));
            }
        }
        assertThat(Files.readString(DOCKER.resolve("Dockerfile"))).contains("FROM eclipse-temurin:17-jre-jammy\n")
                .contains("mvn -q -B package -DskipTests");
        assertThat(Files.readString(DOCKER.resolve("Dockerfile.gpu")))
                .contains("FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04\n")
                .contains("openjdk-17-jre-headless").contains("mvn -q -B -Pgpu package -DskipTests");
        assertThat(Files.isExecutable(DOCKER.resolve("caffemem.sh"))).isTrue();
    }

    private static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
