package org.jvisor.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The reference run: the committed guest images under qemu-system-i386 pass the same checks
 * (checksums, prompt, uname, cpuinfo, ls, jvtest, an ext2 file on an ATA disk, power-off)
 * through scripts/check-guest-qemu. If this fails, the images are wrong, not the model.
 */
class GuestUnderQemuTest {
    @Test
    void bundledGuestPassesItsChecksUnderQemu() throws Exception {
        Path root = Path.of(System.getProperty("jvisor.root", ".")).toAbsolutePath();
        Process p = new ProcessBuilder("python3", root.resolve("scripts/check-guest-qemu").toString())
                .directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        assertEquals(0, p.exitValue(), out);
    }
}
