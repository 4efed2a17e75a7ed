package dev.caffemem.cli;

/** Entry point of the {@code caffemem} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.create().execute(args));
    }
}
