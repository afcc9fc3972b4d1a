package org.jvisor.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code jvisor} command. */
@Command(name = "jvisor", mixinStandardHelpOptions = true, version = "jvisor 0.1",
        description = "Full-virtualization hypervisor for 32-bit x86 PCs.",
        subcommands = {RunCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        throw new UsageError("missing command (try 'jvisor run' or 'jvisor --help')");
    }

    public static void main(String[] args) {
        System.exit(execute(System.in, System.out, System.err, args));
    }

    /**
     * Runs the command line and returns the process exit code; bad input gives one line and 2.
     * {@code console} is what the guest's serial console reads (the terminal, or a test's stream).
     */
    public static int execute(java.io.InputStream console, PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        ((RunCommand) cl.getSubcommands().get("run").getCommand()).console = console;
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("jvisor: " + firstLine(ex.getMessage()));
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UsageError || ex instanceof org.jvisor.boot.BootException) {
                err.println("jvisor: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return nl < 0 ? String.valueOf(s) : s.substring(0, nl);
    }
}
