package org.jvisor.guest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jvisor.machine.Pc;

/**
 * Drives the bundled Linux guest over its serial console the way a person at the terminal
 * would: wait for the prompt, type a command, collect what it printed. The machine runs on
 * its own thread; nothing here needs a terminal.
 */
final class GuestSession implements AutoCloseable {
    static final String PROMPT = "jvisor# ";
    private final Pc pc;
    private final Thread runner;
    private volatile Pc.Result result;

    GuestSession(int ramBytes, String cmdline, java.util.List<org.jvisor.machine.devices.ata.DiskImage> disks)
            throws java.io.IOException {
        Path root = Path.of(System.getProperty("jvisor.root", "."));
        pc = new Pc(ramBytes, null, disks);
        pc.bootLinux(Files.readAllBytes(root.resolve("images/bzImage")),
                Files.readAllBytes(root.resolve("images/initramfs.cpio.gz")), cmdline);
        pc.attachConsole();
        runner = new Thread(() -> result = pc.run(Long.MAX_VALUE), "guest");
        runner.setDaemon(true);
        runner.start();
    }

    Pc pc() {
        return pc;
    }

    /** Waits until {@code text} appears in the output after position {@code from}; returns where it ends. */
    int await(String text, int from, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            String out = pc.serialOutput();
            int at = out.indexOf(text, from);
            if (at >= 0) return at + text.length();
            if (result != null || System.nanoTime() > end) {
                throw new AssertionError("no '" + text.strip() + "' within " + limit + " (machine: " + result
                        + "); output so far:\n" + out.substring(Math.max(0, out.length() - 3000)));
            }
            Thread.sleep(20);
        }
    }

    /** Types a command line and returns its output (without the echo and the next prompt). */
    String command(String line, Duration limit) throws InterruptedException {
        int from = pc.serialOutput().length();
        type(line + "\n");
        int echoed = await("\n", from, limit);
        int end = await(PROMPT, echoed, limit);
        return pc.serialOutput().substring(echoed, end - PROMPT.length()).replace("\r", "");
    }

    void type(String text) {
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) pc.consoleInput(b);
    }

    /** Waits for the machine to stop by itself. */
    Pc.Result awaitStop(Duration limit) throws InterruptedException {
        runner.join(limit.toMillis());
        if (result == null) throw new AssertionError("the machine did not stop within " + limit);
        return result;
    }

    @Override
    public void close() throws InterruptedException {
        pc.stop();
        runner.join(10_000);
        pc.close();
    }
}
