package dev.caffemem.cli;

import dev.caffemem.net.NetException;
import dev.caffemem.prototxt.PrototxtException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Builds the configured command line, for {@link Main} and for tests alike: domain errors become
 * one line on stderr and an exit code; anything else, Errors included, is exit 4 (internal error) and
 * one line; a stack trace only with --verbose.
 */
public final class Cli {
    /** Longest error line: a message may quote names from a prototxt, and those have no bound of their own. */
    static final int MAX_MESSAGE_CHARS = 2000;

    private Cli() {
    }

    public static CommandLine create() {
        CommandLine cl = new CommandLine(new CaffememCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpLongOptionsMaxWidth(30);
        cl.setExecutionExceptionHandler(Cli::handle);
        cl.setParameterExceptionHandler(Cli::handleUsage);
        cl.setExecutionStrategy(Cli::runCatchingErrors);
        return cl;
    }

    /**
     * picocli hands Exceptions to {@link #handle} but lets an Error (OutOfMemoryError, StackOverflowError)
     * escape {@code execute}, and the JVM then exits with 1, the "does not fit" code, after a stack trace.
     * By the time the Error reaches this frame whatever the command allocated is unreachable, so there is
     * room to print one line.
     */
    private static int runCatchingErrors(CommandLine.ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (Error e) {
            CommandLine cl = parsed.commandSpec().commandLine();
            return report(e, cl.getErr(), verbose(parsed));
        }
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
        String one = message.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r");
        if (one.length() <= MAX_MESSAGE_CHARS) {
            return one;
        }
        return one.substring(0, MAX_MESSAGE_CHARS) + "... (" + (one.length() - MAX_MESSAGE_CHARS) + " more characters)";
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        return report(e, cl.getErr(), verbose(parsed));
    }

    /** One line for any failure, its exit code, and the stack trace when asked for. */
    static int report(Throwable e, PrintWriter err, boolean verbose) {
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
            // a bug (an Error included): never 1, which scripts read as "does not fit"
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
