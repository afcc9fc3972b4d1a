package org.jvisor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: one line naming the problem, exit code 2, never a stack trace. */
class MainTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) { }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        // The guest console reads an empty stream: System.in belongs to the test runner.
        int code = Main.execute(new java.io.ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private static void assertOneLineError(Outcome o, String mentions) {
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().lines().count(), "one line: " + o.err());
        assertTrue(o.err().startsWith("jvisor: "), o.err());
        assertTrue(o.err().contains(mentions), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }

    @Test
    void unknownFlag() {
        assertOneLineError(run("run", "--frobnicate"), "--frobnicate");
    }

    @Test
    void missingKernel() {
        assertOneLineError(run("run", "--mode", "native", "--kernel", dir.resolve("nope.elf").toString()), "not found");
    }

    @Test
    void emptyKernel() throws Exception {
        Path k = Files.createFile(dir.resolve("empty.elf"));
        assertOneLineError(run("run", "--mode", "native", "--kernel", k.toString()), "empty");
    }

    @Test
    void corruptKernel() throws Exception {
        Path k = Files.write(dir.resolve("junk.elf"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Outcome o = run("run", "--mode", "native", "--kernel", k.toString());
        assertEquals(2, o.code(), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
    }

    @Test
    void unknownModeAndModeNotBuilt() throws Exception {
        Path k = Files.write(dir.resolve("k.bin"), tinyKernel());
        assertOneLineError(run("run", "--mode", "fast", "--kernel", k.toString()), "unknown mode");
    }

    @Test
    void diskThatCannotBeOpened() throws Exception {
        Path k = Files.write(dir.resolve("k.bin"), tinyKernel());
        assertOneLineError(run("run", "--mode", "native", "--kernel", k.toString(), "--disk",
                dir.resolve("no-such.img").toString()), "no-such.img");
        Path odd = Files.write(dir.resolve("odd.img"), new byte[1000]);
        assertOneLineError(run("run", "--mode", "native", "--kernel", k.toString(), "--disk", odd.toString()), "512");
    }

    @Test
    void bootsTheFirstDisksBootSectorInRealMode() throws Exception {
        // mov al,'B'; mov dx,0x3f8; out dx,al; mov al,5; out 0xf4,al; hlt  (16-bit code at 0000:7C00)
        byte[] sector = new byte[512];
        byte[] code = {(byte) 0xB0, 'B', (byte) 0xBA, (byte) 0xF8, 0x03, (byte) 0xEE, (byte) 0xB0, 5,
            (byte) 0xE6, (byte) 0xF4, (byte) 0xF4};
        System.arraycopy(code, 0, sector, 0, code.length);
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        Path disk = Files.write(dir.resolve("boot.img"), sector);
        PrintStream saved = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true));
        Outcome o;
        try {
            o = run("run", "--mode", "native", "-m", "8M", "--disk", disk + ",ro");
        } finally {
            System.setOut(saved);
        }
        assertEquals("B", console.toString());
        assertEquals(5, o.code());
        assertOneLineError(run("run", "--mode", "native", "--disk", Files.write(dir.resolve("blank.img"),
                new byte[1024]).toString()), "not bootable");
    }

    @Test
    void badMemorySize() {
        assertOneLineError(run("run", "-m", "lots"), "memory size");
        assertOneLineError(run("run", "-m", "0"), "memory size");
    }

    @Test
    void modesNotBuiltYetAreRefusedWhenAskedFor() throws Exception {
        Path k = Files.write(dir.resolve("k.bin"), tinyKernel());
        assertOneLineError(run("run", "--mode", "bt", "--kernel", k.toString()), "mode 'bt' is not built yet");
        assertOneLineError(run("run", "--mode", "trap", "--kernel", k.toString()), "mode 'trap' is not built yet");
    }

    @Test
    void unspecifiedModeRunsNativeAndSaysSo() throws Exception {
        Path k = Files.write(dir.resolve("k.bin"), tinyKernel());
        PrintStream savedOut = System.out, savedErr = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream(), notes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true));
        System.setErr(new PrintStream(notes, true));
        Outcome o;
        try {
            o = run("run", "-m", "8M", "--kernel", k.toString());
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        assertEquals(7, o.code());
        assertEquals("A", console.toString());
        assertTrue(notes.toString().contains("mode bt (the default) is not built yet; running the guest in native mode"),
                notes.toString());
    }

    @Test
    void corruptInitrdFile() throws Exception {
        Path k = Files.write(dir.resolve("k.bin"), tinyKernel());
        assertOneLineError(run("run", "--mode", "native", "--kernel", k.toString(), "--initrd",
                dir.resolve("missing.img").toString()), "initrd not found");
    }

    @Test
    void runsAMultibootKernelNatively() throws Exception {
        Path k = Files.write(dir.resolve("k.bin"), tinyKernel());
        PrintStream saved = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true));
        Outcome o;
        try {
            o = run("run", "--mode", "native", "-m", "8M", "--kernel", k.toString());
        } finally {
            System.setOut(saved);
        }
        assertEquals("A", console.toString());
        assertEquals(7, o.code()); // the value the kernel wrote to the debug-exit port
    }

    /**
     * A Multiboot kernel using the a.out kludge (Multiboot 0.6.96 3.1.3), loaded at 1 MiB:
     * writes 'A' to COM1, then 7 to the debug-exit port.
     */
    private static byte[] tinyKernel() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        int magic = 0x1BADB002, flags = 0x00010000;
        b.putInt(magic).putInt(flags).putInt(-(magic + flags));
        b.putInt(0x100000).putInt(0x100000).putInt(0).putInt(0).putInt(0x100020);
        b.put(new byte[] {(byte) 0xB0, 'A', 0x66, (byte) 0xBA, (byte) 0xF8, 0x03, (byte) 0xEE,
            (byte) 0xB0, 7, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4});
        return b.array();
    }
}
