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
        cl.setParameterExceptionHandler(Cli::handleUsage);
        return cl;
    }

    /**
     * A command-line mistake picocli found (unknown option, a value of the wrong type): one line and
     * the usage exit code. picocli's default handler prints the whole usage text after the message,
     * which buries it; --help is one command away.
     */
    private static int handleUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        err.println("caffemem: " + oneLine(message) + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * Keeps a message on one line: names taken from a prototxt may hold escaped line breaks
     * (name: "a\nb"), and a second line would look like a second error.
     */
    static String oneLine(String message) {
        return message.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r");
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
        err.println("caffemem: " + oneLine(message));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
