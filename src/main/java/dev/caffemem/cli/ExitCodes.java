package dev.caffemem.cli;

/** Process exit codes; documented in the README and in each command's --help. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The bill exceeds the memory given with --memory. */
    public static final int DOES_NOT_FIT = 1;
    /** Bad command-line usage (picocli's own code). */
    public static final int USAGE = 2;
    /** A file could not be read, or a prototxt/net is invalid. */
    public static final int BAD_INPUT = 3;
    /** A bug in caffemem: please report it with --verbose output. */
    public static final int INTERNAL = 4;
    /** The real Caffe aborted (a CHECK failure) in a probe child. */
    public static final int CAFFE_ABORTED = 10;
    /** A probe child was killed by a signal (usually the kernel's OOM killer). */
    public static final int CHILD_KILLED = 11;
    /** A probe child ran past --timeout. */
    public static final int CHILD_TIMEOUT = 12;
    /** A probe child failed in another way. */
    public static final int CHILD_FAILED = 13;
    /** The report was produced but pushing metrics failed. */
    public static final int PUSH_FAILED = 14;
    /** A GPU was asked for and there is none to use (no driver, no CUDA libraries, no such device). */
    public static final int NO_GPU = 15;

    private ExitCodes() {
    }
}
