package org.jvisor.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.jvisor.machine.devices.ata.DiskImage;
import org.junit.jupiter.api.io.TempDir;
import org.jvisor.machine.Pc;
import org.junit.jupiter.api.Test;

/**
 * The bundled Linux boots bare on the simulated PC (native mode) to its shell, runs the
 * commands of issue 3, and powers off; each output is checked.
 */
class LinuxNativeBootTest {
    private static final Duration BOOT = Duration.ofMinutes(4), COMMAND = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void bootsToShellRunsCommandsAndPowersOff() throws Exception {
        Path diskFile = dir.resolve("disk.img");
        try (var f = java.nio.channels.FileChannel.open(diskFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            f.truncate(0).position((8 << 20) - 1).write(java.nio.ByteBuffer.wrap(new byte[1]));
        }
        String token = "written-by-the-guest-" + System.nanoTime();
        try (GuestSession guest = new GuestSession(128 << 20, "console=ttyS0 panic=-1",
                List.of(DiskImage.open(diskFile, false)))) {
            guest.await(GuestSession.PROMPT, 0, BOOT);
            String boot = guest.pc().serialOutput();
            assertTrue(boot.contains("Linux version 6.1"), "kernel banner");
            assertTrue(boot.contains("ttyS0 at I/O 0x3f8 (irq = 4"), "the 8250 driver found COM1 with its IRQ");

            String uname = guest.command("uname -a", COMMAND);
            assertTrue(uname.startsWith("Linux jvisor 6.1."), uname);
            assertTrue(uname.contains(" i686 "), uname);

            String cpuinfo = guest.command("cat /proc/cpuinfo", COMMAND);
            assertTrue(cpuinfo.contains("GenuineIntel"), cpuinfo);
            assertTrue(cpuinfo.contains("cpu family\t: 6"), cpuinfo);
            String flags = cpuinfo.lines().filter(l -> l.startsWith("flags")).findFirst().orElse("");
            for (String f : new String[] {"fpu", "tsc", "cx8", "cmov", "pge", "pse"}) {
                assertTrue((flags + " ").contains(" " + f + " "), "cpuinfo flag " + f + ": " + flags);
            }
            for (String absent : new String[] {"mmx", "sse", "pae", "fxsr"}) {
                assertTrue(!(flags + " ").contains(" " + absent + " "), "no " + absent + " on this P6 model: " + flags);
            }

            String ls = guest.command("ls /", COMMAND);
            for (String dir : new String[] {"bin", "dev", "proc", "sys", "init"}) {
                assertTrue(ls.contains(dir), "ls / lists " + dir + ": " + ls);
            }

            String test = guest.command("/bin/jvtest", COMMAND);
            assertTrue(test.contains("jvtest: 17 passed, 0 failed"), test);

            assertEquals("5\n", guest.command("expr 2 + 3", COMMAND));

            // The kernel found the MP table and routes ISA interrupts through the IOAPIC, and its
            // local APIC timer ticks (LOC); the serial console's IRQ 4 arrives through the IOAPIC.
            String irqs = guest.command("cat /proc/interrupts", COMMAND);
            assertTrue(irqs.lines().anyMatch(l -> l.contains("IO-APIC") && l.contains("ttyS0")), irqs);
            assertTrue(irqs.lines().anyMatch(l -> l.contains("IO-APIC") && l.contains("timer")), irqs);
            String loc = irqs.lines().filter(l -> l.strip().startsWith("LOC:")).findFirst().orElse("LOC: 0");
            assertTrue(Long.parseLong(loc.strip().split("\\s+")[1]) > 0, "local APIC timer interrupts: " + loc);

            assertTrue(guest.pc().serialOutput().contains("ATA-6: JVISOR HARDDISK"), "libata identified the disk");
            String disk = guest.command("mke2fs -q /dev/sda >/dev/null && mount -t ext2 /dev/sda /mnt && echo " + token
                    + " > /mnt/hello && umount /mnt && mount -t ext2 -o ro /dev/sda /mnt && cat /mnt/hello && umount /mnt",
                    COMMAND);
            // The long command line wraps in the echo and kernel messages may interleave: look for the line.
            assertTrue(disk.lines().anyMatch(token::equals), "a file written on the ATA disk reads back after a remount: " + disk);

            guest.type("poweroff\n");
            Pc.Result r = guest.awaitStop(COMMAND);
            assertEquals(Pc.Reason.HALTED, r.reason(), r.toString());
            assertTrue(guest.pc().serialOutput().contains("System halted"));
        }
        // The write reached the image file itself (ext2 keeps the file's data in a block of its own).
        byte[] image = Files.readAllBytes(diskFile);
        assertTrue(new String(image, StandardCharsets.ISO_8859_1).contains(token), "the token is in the disk image file");
    }
}
