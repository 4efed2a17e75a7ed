package dev.caffemem.cli;

import dev.caffemem.net.NetException;
import dev.caffemem.prototxt.PrototxtException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Builds the configured command line, for {@link Main} and for tests alike: domain errors become
 * one line on stderr and an exit code; a stack trace only with --verbose.
 */
public final class Cli {

    private Cli() {
    }

    public static CommandLine create() {
        CommandLine cl = new CommandLine(new CaffememCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpLongOptionsMaxWidth(30);
        cl.setExecutionExceptionHandler(Cli::handle);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose");
        int code;
        String message;
        if (e instanceof CliException c) {
            code = c.exitCode();
            message = c.getMessage();
        } else if (e instanceof PrototxtException || e instanceof NetException) {
            code = ExitCodes.BAD_INPUT;
            message = e.getMessage();
        } else {
            code = ExitCodes.INTERNAL;
            message = "internal error: " + e + " (run with --verbose for the stack trace and please report it)";
        }
        err.println("caffemem: " + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
