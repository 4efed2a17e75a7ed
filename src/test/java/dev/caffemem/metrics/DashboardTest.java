package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/grafana-caffemem.json is a Grafana 10 dashboard over a Prometheus data source variable whose
 * queries name only metrics caffemem exports. (ServeScrapeTest runs every query against a real
 * Prometheus and checks that each one returns data.)
 */
class DashboardTest {
    static final Path DASHBOARD = Path.of("docker", "grafana-caffemem.json");

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    /** Every panel query, with the dashboard's variables replaced by a match-all regex. */
    static List<String> queries() throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode p : dashboard().get("panels")) {
            for (JsonNode t : p.path("targets")) {
                out.add(t.get("expr").asText().replaceAll("\\$(job|net|device|phase)\\b", ".*"));
            }
        }
        return out;
    }

    /** The one query of the panel titled {@code title}, with the variables matching all. */
    static String query(String title) throws IOException {
        for (JsonNode p : dashboard().get("panels")) {
            if (p.path("title").asText().equals(title)) {
                assertThat(p.get("targets")).hasSize(1);
                return p.get("targets").get(0).get("expr").asText().replaceAll("\\$(job|net|device|phase)\\b", ".*");
            }
        }
        throw new AssertionError("no panel titled " + title);
    }

    @Test
    void isAGrafana10DashboardWithAPrometheusDatasourceVariable() throws IOException {
        JsonNode d = dashboard();
        assertThat(d.get("schemaVersion").asInt()).isBetween(36, 39); // Grafana 9.x to 10.x
        assertThat(d.get("uid").asText()).isNotEmpty();
        JsonNode datasource = d.get("templating").get("list").get(0);
        assertThat(datasource.get("type").asText()).isEqualTo("datasource");
        assertThat(datasource.get("query").asText()).isEqualTo("prometheus");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : d.get("panels")) {
            assertThat(ids.add(p.get("id").asInt())).as("unique panel id").isTrue();
            JsonNode pos = p.get("gridPos");
            assertThat(pos.get("x").asInt() + pos.get("w").asInt()).as(p.get("title").asText()).isLessThanOrEqualTo(24);
            if (!p.get("type").asText().equals("row")) {
                assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
                assertThat(p.get("targets")).isNotEmpty();
            }
        }
        assertThat(d.get("panels").findValuesAsText("title")).contains("Total: estimated vs extrapolated vs measured",
                "Estimate error", "Bytes per sample", "Largest batch that fits");
    }

    @Test
    void queriesNameOnlyExportedMetrics() throws IOException {
        Set<String> exported = Set.of("caffemem_memory_bytes", "caffemem_layer_memory_bytes", "caffemem_probe_point_bytes",
                "caffemem_fit_per_sample_bytes", "caffemem_fit_fixed_bytes", "caffemem_estimate_error_ratio",
                "caffemem_max_batch", "caffemem_memory_available_bytes", "caffemem_probe_duration_seconds_sum",
                "caffemem_probe_duration_seconds_count", "caffemem_last_success_timestamp_seconds");
        Set<String> used = new HashSet<>();
        List<String> all = new ArrayList<>(queries());
        for (JsonNode v : dashboard().get("templating").get("list")) {
            if (v.get("type").asText().equals("query")) {
                all.add(v.get("definition").asText());
            }
        }
        for (String q : all) {
            Matcher m = Pattern.compile("caffemem_[a-z_]+").matcher(q);
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertThat(exported).containsAll(used);
        assertThat(used).contains("caffemem_memory_bytes", "caffemem_estimate_error_ratio", "caffemem_fit_per_sample_bytes",
                "caffemem_max_batch");
    }
}
