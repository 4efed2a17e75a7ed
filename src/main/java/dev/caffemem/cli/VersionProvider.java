package dev.caffemem.cli;

import dev.caffemem.BuildInfo;
import picocli.CommandLine;

/** {@code caffemem --version}: the project's version and the Caffe the probe loads, as caffemem_build_info labels them. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        BuildInfo b = BuildInfo.current();
        return new String[] {"caffemem " + b.version(),
            "Caffe " + b.caffe() + " (the JavaCPP build of Caffe 1.0 that probe loads and estimate models)"};
    }
}
