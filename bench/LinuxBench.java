import org.jvisor.machine.Pc;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Boots the bundled Linux guest on the simulated PC (native mode) several times in one JVM and
 * times it: wall time from the start of the VM to the first shell prompt, for the first (cold)
 * boot and the best of the later (warm) ones; then types each workload command at the shell of
 * the last VM several times and times it from sending the line to the next prompt.
 * Launched by bench/linux-boot with the project's classes on the class path. Prints lines
 * {@code key value...} for the script (nanoseconds; output digests to compare with qemu's):
 * <pre>
 * cold-process NANOS      JVM launch (LAUNCH_EPOCH_NANOS, from the script) to the first prompt
 * cold-vm NANOS           new Pc to the first prompt, first boot in this JVM
 * warm NANOS...           new Pc to the prompt, each later boot
 * boot-instructions N     guest instructions retired by the last boot up to its prompt (approximate)
 * work NAME NANOS...      each run of a workload
 * output NAME TEXT        what the workload printed (one line, escaped)
 * instructions NAME N     guest instructions retired during the fastest run (read while it runs: approximate)
 * </pre>
 * Usage: LinuxBench KERNEL INITRD CMDLINE BOOTS RUNS TIMEOUT_S LAUNCH_EPOCH_NANOS [NAME COMMAND]...
 */
public class LinuxBench {
    private static final String PROMPT = "jvisor# ";

    public static void main(String[] args) throws Exception {
        byte[] kernel = Files.readAllBytes(Path.of(args[0]));
        byte[] initrd = Files.readAllBytes(Path.of(args[1]));
        String cmdline = args[2];
        int boots = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        long timeoutNanos = Long.parseLong(args[5]) * 1_000_000_000L;
        long launchEpochNanos = Long.parseLong(args[6]);
        Guest guest = null;
        for (int boot = 0; boot < boots; boot++) {
            if (guest != null) guest.close();
            long t0 = System.nanoTime();
            guest = new Guest(kernel, initrd, cmdline);
            guest.await(PROMPT, 0, timeoutNanos, "shell prompt after boot " + (boot + 1));
            long dt = System.nanoTime() - t0;
            if (boot == 0) {
                System.out.println("cold-process " + (epochNanos() - launchEpochNanos));
                System.out.println("cold-vm " + dt);
                System.out.print("warm");
            } else {
                System.out.print(" " + dt);
            }
            System.out.flush();
        }
        System.out.println();
        System.out.println("boot-instructions " + guest.instructions());
        // Kernel messages (e.g. the later switch to the TSC clocksource) would mix with the workloads' output.
        guest.command("dmesg -n 1", timeoutNanos);
        for (int w = 7; w + 1 < args.length; w += 2) {
            StringBuilder times = new StringBuilder("work " + args[w]);
            String output = null;
            long bestNanos = Long.MAX_VALUE, bestInstructions = 0;
            for (int run = 0; run < runs; run++) {
                long t0 = System.nanoTime(), i0 = guest.instructions();
                String out = guest.command(args[w + 1], timeoutNanos);
                long dt = System.nanoTime() - t0;
                times.append(' ').append(dt);
                if (dt < bestNanos) {
                    bestNanos = dt;
                    bestInstructions = guest.instructions() - i0;
                }
                if (output != null && !output.equals(out)) {
                    fail("workload " + args[w] + " printed different text on run " + (run + 1) + ":\n" + out);
                }
                output = out;
            }
            System.out.println(times);
            System.out.println("instructions " + args[w] + " " + bestInstructions);
            System.out.println("output " + args[w] + " " + escape(output));
        }
        guest.close();
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static void fail(String message) {
        System.err.println("linux-boot: jvisor: " + message);
        System.exit(1);
    }

    /** One VM on its own thread, driven over its serial console (the idea of the tests' GuestSession). */
    static final class Guest {
        private final Pc pc;
        private final Thread runner;
        private volatile Pc.Result result;

        Guest(byte[] kernel, byte[] initrd, String cmdline) {
            pc = new Pc(128 << 20, null);
            pc.bootLinux(kernel, initrd, cmdline);
            pc.attachConsole();
            runner = new Thread(() -> result = pc.run(Long.MAX_VALUE), "guest");
            runner.setDaemon(true);
            runner.start();
        }

        /** Waits until text appears after position from; returns where it ends. Fails on time-out. */
        int await(String text, int from, long timeoutNanos, String what) throws InterruptedException {
            long end = System.nanoTime() + timeoutNanos;
            while (true) {
                String out = pc.serialOutput();
                int at = out.indexOf(text, from);
                if (at >= 0) return at + text.length();
                if (result != null || System.nanoTime() > end) {
                    fail("no " + what + " within " + timeoutNanos / 1_000_000_000L + " s (machine: "
                            + (result == null ? "still running" : result) + "); last output:\n"
                            + out.substring(Math.max(0, out.length() - 2000)));
                }
                Thread.sleep(2);
            }
        }

        /** Types a command line; returns its output (without the echoed line and the prompt). */
        String command(String line, long timeoutNanos) throws InterruptedException {
            int from = pc.serialOutput().length();
            for (byte b : (line + "\n").getBytes(StandardCharsets.ISO_8859_1)) pc.consoleInput(b);
            int echoed = await("\n", from, timeoutNanos, "echo of '" + line + "'");
            int end = await(PROMPT, echoed, timeoutNanos, "prompt after '" + line + "'");
            return pc.serialOutput().substring(echoed, end - PROMPT.length()).replace("\r", "");
        }

        long instructions() {
            return pc.cpu.instructions;
        }

        void close() throws InterruptedException {
            pc.stop();
            runner.join(10_000);
        }
    }
}
