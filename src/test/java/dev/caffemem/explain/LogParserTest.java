package dev.caffemem.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.net.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The real logs of {@link Fixtures} read back: nets, shapes, progress and how each ended, under other tools' wrapping. */
class LogParserTest {
    private static final CaffeLog KILLED = LogParser.parse(Fixtures.text(Fixtures.log(Fixtures.KILLED)), "killed");
    private static final CaffeLog FINISHED = LogParser.parse(Fixtures.text(Fixtures.log(Fixtures.FINISHED)), "finished");

    @Test
    void aKilledTrainLogHasItsSolverBothNetsEveryShapeAndTheShellsKill() {
        assertThat(KILLED.command()).isEqualTo(CaffeLog.Command.TRAIN);
        assertThat(KILLED.solverBlock().text()).contains("net: \"train_val.prototxt\"", "test_iter: 1");
        assertThat(KILLED.nets()).extracting(LoggedNet::label).containsExactly("the train net", "test net 0");
        LoggedNet train = KILLED.net(LoggedNet.Role.TRAIN, -1);
        assertThat(train.block().text()).contains("name: \"UltraNerveSegmentation\"", "phase: TRAIN");
        assertThat(train.layers()).extracting(LoggedNet.Layer::name).containsExactly("Layer1", "Layer2", "Layer3", "loss");
        assertThat(train.layers().get(0).topShapes()).containsExactly(Shape.of(32, 3, 224, 224), Shape.of(32));
        assertThat(train.layers().get(3).topShapes()).containsExactly(Shape.scalar());
        assertThat(train.memoryBytes()).isEqualTo(401_481_860L);
        assertThat(train.complete()).isTrue();
        assertThat(KILLED.killed().text()).startsWith("bash: line 1: ").contains(" Killed ", "caffe train");
        assertThat(KILLED.fatal()).isNull();
        assertThat(KILLED.outOfMemory()).isNull();
        assertThat(KILLED.finished()).isFalse();
        assertThat(KILLED.lastEvent().kind()).isEqualTo(LogEvent.Kind.UPDATE);
        assertThat(KILLED.lastEvent().iteration()).isZero();
        assertThat(CaffeVersion.differences(KILLED)).isEmpty();
    }

    @Test
    void aFinishedLogHasTwoTestNetsALayerNameUsedTwiceAndItsSnapshots() {
        assertThat(FINISHED.nets()).extracting(LoggedNet::label).containsExactly("the train net", "test net 0", "test net 1");
        assertThat(FINISHED.nets()).allSatisfy(n -> assertThat(n.complete()).isTrue());
        List<String> names = FINISHED.net(LoggedNet.Role.TRAIN, -1).layers().stream().map(LoggedNet.Layer::name).toList();
        assertThat(names.stream().filter("loss"::equals)).hasSize(2);
        assertThat(names).startsWith("data", "data_data_0_split", "flatdata");
        assertThat(FINISHED.events(LogEvent.Kind.SNAPSHOT_MODEL)).extracting(LogEvent::iteration).containsExactly(2L, 4L);
        assertThat(FINISHED.events(LogEvent.Kind.TEST_START)).hasSize(6);
        assertThat(FINISHED.iterations()).containsExactly(0, 4);
        assertThat(FINISHED.finished()).isTrue();
        assertThat(FINISHED.killed()).isNull();
        assertThat(CaffeVersion.differences(FINISHED)).isEmpty();
    }

    @Test
    void theSeedUsersExcerptInsideItsPageIsATrainNetOfAnOlderCaffeThatWasKilled() {
        CaffeLog page = LogParser.parse(Fixtures.text(Fixtures.seedPage()), "page");
        assertThat(page.solverBlock()).isNull();
        assertThat(page.nets()).hasSize(1);
        LoggedNet net = page.nets().get(0);
        assertThat(net.role()).isEqualTo(LoggedNet.Role.TRAIN);
        assertThat(net.block()).isNull();
        assertThat(net.layers()).extracting(LoggedNet.Layer::name).containsExactly("Layer1", "Layer2", "Layer3", "loss");
        assertThat(net.memoryBytes()).isEqualTo(401_481_860L);
        assertThat(page.killed().text()).isEqualTo("Killed");
        assertThat(page.lastEvent().kind()).isEqualTo(LogEvent.Kind.UPDATE);
        assertThat(page.lineCount()).isGreaterThan(page.killed().line());
        assertThat(CaffeVersion.differences(page)).anyMatch(d -> d.contains("net.cpp:148") && d.contains("net.cpp:129"))
                .anyMatch(d -> d.contains("before 1.0-rc4"));
    }

    @Test
    void anotherToolsPrefixesLineEndingsAndTrailingSpacesChangeNothingRead() {
        String plain = Fixtures.text(Fixtures.log(Fixtures.KILLED));
        List<UnaryOperator<String>> wrappings = List.of(
                l -> "[stderr] " + l,
                l -> "2024-03-0" + (l.length() % 9 + 1) + "T12:00:" + (10 + l.length() % 50) + ".123456789Z " + l,
                l -> "caffe_1  | " + l,
                l -> l + " \t ");
        String signature = signature(KILLED);
        for (UnaryOperator<String> w : wrappings) {
            String wrapped = plain.lines().map(w).collect(Collectors.joining("\n", "", "\n"));
            assertThat(signature(LogParser.parse(wrapped, "wrapped"))).isEqualTo(signature);
        }
        assertThat(signature(LogParser.parse(plain.replace("\n", "\r\n"), "crlf"))).isEqualTo(signature);
    }

    @Test
    void anExcerptWithoutTheSolversNetLinesStillTellsTheTrainNetFromTheTestNet() {
        String cut = Fixtures.text(Fixtures.log(Fixtures.KILLED)).lines()
                .filter(l -> !l.contains("Creating training net") && !l.contains("Creating test net"))
                .collect(Collectors.joining("\n"));
        CaffeLog log = LogParser.parse(cut, "cut");
        assertThat(log.nets()).extracting(LoggedNet::label).containsExactly("the train net", "test net 0");
        assertThat(signature(log)).isEqualTo(signature(KILLED));
    }

    /** What a parse read, in one string: nets, layers, shapes, figures, progress, the solver, the kill. */
    private static String signature(CaffeLog log) {
        List<String> parts = new ArrayList<>();
        parts.add(log.solverBlock() == null ? "-" : log.solverBlock().text());
        for (LoggedNet n : log.nets()) {
            parts.add(n.label() + " " + (n.block() == null ? "-" : n.block().text()) + n.complete());
            n.layers().forEach(l -> parts.add(l.name() + l.topShapes() + l.memoryBytes()));
        }
        log.events().forEach(e -> parts.add(e.kind() + "@" + e.iteration() + "/" + e.testNet() + "/" + e.layer()));
        parts.add(String.valueOf(log.killed() != null && log.killed().text().contains("Killed")));
        return String.join("\n", parts);
    }
}
