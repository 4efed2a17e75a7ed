package dev.caffemem.caffetool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** /proc/PID/status as the kernel writes it, and this JVM's own. */
class ProcStatusTest {

    @Test
    void parsesTheMemoryLinesInBytes() {
        String text = "Name:\tcaffe\nThreads:\t4\nVmPeak:\t 5000000 kB\nVmHWM:\t 3629800 kB\nVmRSS:\t 3555616 kB\n"
                + "RssAnon:\t 3532544 kB\nRssFile:\t   23072 kB\nRssShmem:\t       0 kB\n";
        assertThat(ProcStatus.parse(text)).hasValue(
                new ProcStatus(3629800L * 1024, 3555616L * 1024, 3532544L * 1024, 23072L * 1024, 0, 4));
    }

    @Test
    void aZombieHasNoMemoryLines() {
        assertThat(ProcStatus.parse("Name:\tcaffe\nState:\tZ (zombie)\nThreads:\t1\n")).isEmpty();
    }

    @Test
    void readsALiveProcess() {
        ProcStatus me = ProcStatus.read(ProcessHandle.current().pid()).orElseThrow();
        assertThat(me.vmRssBytes()).isEqualTo(me.rssAnonBytes() + me.rssFileBytes() + me.rssShmemBytes());
        assertThat(me.vmHwmBytes()).isGreaterThanOrEqualTo(me.vmRssBytes());
        assertThat(me.threads()).isPositive();
    }
}
