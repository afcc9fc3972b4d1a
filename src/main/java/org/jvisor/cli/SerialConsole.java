package org.jvisor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.jvisor.machine.Pc;

/**
 * Connects the terminal to the guest's COM1 as QEMU's {@code -serial stdio} does: raw
 * keystrokes in (the terminal is put in raw mode when it is one, and restored on exit), guest
 * output straight out, and Ctrl-A X to quit (Ctrl-A Ctrl-A sends a literal Ctrl-A).
 * Without a terminal (pipes, CI) bytes are passed through unchanged and nothing is waited for.
 */
final class SerialConsole {
    private static final int CTRL_A = 1;
    private final Pc pc;
    private final InputStream in;
    private String savedStty;

    SerialConsole(Pc pc, InputStream in) {
        this.pc = pc;
        this.in = in;
    }

    /** Starts forwarding input on a daemon thread. */
    void start() {
        if (System.console() != null && System.console().isTerminal()) enterRawMode();
        pc.attachConsole();
        Thread t = new Thread(this::pump, "jvisor-console");
        t.setDaemon(true);
        t.start();
    }

    private void pump() {
        boolean escape = false;
        try {
            for (int b; (b = in.read()) >= 0; ) {
                if (escape) {
                    escape = false;
                    if (b == 'x' || b == 'X') {
                        pc.stop();
                        return;
                    }
                    if (b != CTRL_A) continue; // unknown Ctrl-A command: ignored, as QEMU does
                } else if (b == CTRL_A) {
                    escape = true;
                    continue;
                }
                pc.consoleInput(b);
            }
        } catch (IOException e) {
            // the terminal went away: as at end of input, the guest runs on without it
        }
        pc.detachConsole();
    }

    private void enterRawMode() {
        savedStty = stty("-g");
        if (savedStty != null) {
            stty("raw -echo");
            Runtime.getRuntime().addShutdownHook(new Thread(this::restore));
        }
    }

    /** Puts the terminal back as it was. */
    void restore() {
        if (savedStty != null) {
            stty(savedStty);
            savedStty = null;
        }
    }

    private static String stty(String args) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty " + args + " < /dev/tty")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Guest output to the terminal: raw bytes, each flushed at once (echo of typed keys). */
    static java.util.function.IntConsumer output(PrintStream out) {
        return b -> {
            out.write(b);
            out.flush();
        };
    }
}
