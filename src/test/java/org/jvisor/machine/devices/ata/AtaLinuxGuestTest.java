package org.jvisor.machine.devices.ata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jvisor.machine.Pc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled Linux (libata's pata_legacy on 0x1F0/IRQ 14) finds the drive, reads a sector
 * the host prepared, writes one the host then finds in the file, and flushes; the secondary
 * channel, empty, is probed and found empty. Independent of how the command line wires disks.
 */
class AtaLinuxGuestTest {
    private static final String PROMPT = "jvisor# ";
    private static final long LIMIT_MS = 240_000;

    @TempDir
    Path dir;

    private Pc pc;
    private volatile Pc.Result result;

    @Test
    void linuxReadsAndWritesTheDisk() throws Exception {
        Path root = Path.of(System.getProperty("jvisor.root", "."));
        Path image = dir.resolve("linux.img");
        byte[] disk = new byte[2048 * 512];
        byte[] hostText = "written-by-the-host\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hostText, 0, disk, 5 * 512, hostText.length);
        Files.write(image, disk);

        pc = new Pc(64 << 20, null, List.of(DiskImage.open(image, false)));
        pc.bootLinux(Files.readAllBytes(root.resolve("images/bzImage")),
                Files.readAllBytes(root.resolve("images/initramfs.cpio.gz")), "console=ttyS0 panic=-1");
        pc.attachConsole();
        Thread runner = new Thread(() -> result = pc.run(Long.MAX_VALUE), "ata-guest");
        runner.setDaemon(true);
        runner.start();
        try {
            await(PROMPT, 0);
            String boot = pc.serialOutput();
            assertTrue(boot.contains("ata1.00: ATA-6: JVISOR HARDDISK, 1.0, max PIO4"), "libata identified the drive");
            assertTrue(boot.contains("ata1.00: 2048 sectors, multi 16: LBA48"), "capacity, multiple, LBA48");
            assertTrue(boot.contains("[sda] Write cache: enabled"), "write cache seen");
            assertTrue(boot.contains("ata2: PATA max PIO4 cmd 0x170 ctl 0x376 irq 15"), "secondary probed");
            assertTrue(!boot.contains("ata2.00"), "and found empty");

            assertEquals("written-by-the-host\n", command("dd if=/dev/sda bs=512 skip=5 count=1 2>/dev/null | head -n 1"));
            command("echo written-by-the-guest | dd of=/dev/sda bs=512 seek=9 conv=sync 2>/dev/null; sync");
            assertEquals("", command("dmesg | grep -i -E 'ata.*(error|failed|exception)'"));
        } finally {
            pc.stop();
            runner.join(10_000);
            pc.close();
        }
        byte[] sector9 = Arrays.copyOfRange(Files.readAllBytes(image), 9 * 512, 10 * 512);
        byte[] expected = new byte[512];
        byte[] guestText = "written-by-the-guest\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(guestText, 0, expected, 0, guestText.length);
        assertArrayEquals(expected, sector9, "the guest's sector reached the file");
    }

    private int await(String text, int from) throws InterruptedException {
        long end = System.currentTimeMillis() + LIMIT_MS;
        while (true) {
            String out = pc.serialOutput();
            int at = out.indexOf(text, from);
            if (at >= 0) return at + text.length();
            if (result != null || System.currentTimeMillis() > end) {
                throw new AssertionError("no '" + text.strip() + "' (machine: " + result + "); output:\n"
                        + out.substring(Math.max(0, out.length() - 3000)));
            }
            Thread.sleep(20);
        }
    }

    private String command(String line) throws InterruptedException {
        int from = pc.serialOutput().length();
        for (byte b : (line + "\n").getBytes(StandardCharsets.ISO_8859_1)) pc.consoleInput(b);
        int echoed = await("\n", from);
        int end = await(PROMPT, echoed);
        return pc.serialOutput().substring(echoed, end - PROMPT.length()).replace("\r", "");
    }
}
