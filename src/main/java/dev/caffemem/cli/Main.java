package dev.caffemem.cli;

/** Entry point of the {@code caffemem} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = Cli.create().execute(args);
        } catch (Throwable e) {
            // Cli handles what the commands throw; this is for a failure around them (picocli itself, or an
            // Error while printing one): still one line and exit 4, never the JVM's 1 ("does not fit")
            code = Cli.report(e, new java.io.PrintWriter(System.err, true), false);
        }
        System.exit(code);
    }
}
