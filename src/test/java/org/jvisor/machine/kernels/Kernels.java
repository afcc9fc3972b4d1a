package org.jvisor.machine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jvisor.machine.Pc;

/** Builds the test kernels with make and runs one in the model or under qemu-system-i386. */
final class Kernels {
    static final int RAM = 32 << 20;
    static final long MODEL_BUDGET = 200_000_000L;
    private static final long QEMU_TIMEOUT_SECONDS = 30;
    private static boolean built;

    private Kernels() { }

    static Path root() {
        return Path.of(System.getProperty("jvisor.root", System.getProperty("user.dir")));
    }

    static Path out() {
        return root().resolve("target/kernels");
    }

    /** Runs make once per JVM; a failed build fails the test with make's output. */
    static synchronized void build() throws IOException, InterruptedException {
        if (built) return;
        Process p = new ProcessBuilder("make", "-s", "-C", root().resolve("tests/kernels").toString(), "OUT=" + out())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "make -C tests/kernels failed:\n" + log);
        built = true;
    }

    static Path kernel(String name) {
        return out().resolve(name + ".elf");
    }

    /** What a run produced: the serial lines and the debug-exit status (2v+1, as qemu reports it). */
    record Run(List<String> lines, int status, String how) {
        String last() {
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    static Run qemu(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("qemu-system-i386", "-cpu", "pentium2", "-m", "32", "-display", "none",
                "-serial", "stdio", "-no-reboot", "-kernel", kernel(name).toString(),
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(QEMU_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("qemu did not finish " + name + " in " + QEMU_TIMEOUT_SECONDS + " s");
        }
        return new Run(lines(new String(out, StandardCharsets.ISO_8859_1)), p.exitValue(), "qemu exit " + p.exitValue());
    }

    static Run model(String name) throws IOException {
        Pc pc = new Pc(RAM, null);
        pc.bootMultiboot(Files.readAllBytes(kernel(name)), name, List.of());
        Pc.Result r = pc.run(MODEL_BUDGET);
        return new Run(lines(pc.serialOutput()), r.qemuStatus(),
                r.reason() + " (" + r.detail() + ", " + r.instructions() + " instructions)");
    }

    static List<String> lines(String text) {
        String t = text.replace("\r\n", "\n");
        if (t.endsWith("\n")) t = t.substring(0, t.length() - 1);
        return t.isEmpty() ? List.of() : List.of(t.split("\n", -1));
    }

    /** The summary line a kernel prints last when every check passed. */
    static void assertAllPassed(Run run, String who) {
        assertTrue(run.last().matches("\\d+ passed, 0 failed"),
                who + " did not pass every check (" + run.how() + "):\n" + String.join("\n", run.lines()));
        assertTrue(!run.last().startsWith("0 passed"), who + " ran no check");
        assertEquals(1, run.status(), who + " exit status (debug-exit value 0 gives 1): " + run.how());
    }
}
