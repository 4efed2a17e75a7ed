package dev.caffemem.cli;

import picocli.CommandLine;

/** Version from the jar manifest (or "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = CaffememCommand.class.getPackage().getImplementationVersion();
        return new String[] {"caffemem " + (v == null ? "dev" : v) + " (models Caffe 1.0)"};
    }
}
