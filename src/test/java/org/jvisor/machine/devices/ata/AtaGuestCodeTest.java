package org.jvisor.machine.devices.ata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jvisor.machine.Pc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guest code on the processor model drives the disk through IN/OUT and REP INS/OUTS, as a
 * polled BIOS driver does: READ SECTORS of LBA 5-6 into memory (REP INSD, then REP INSW),
 * WRITE SECTORS of that memory to LBA 9-10 (REP OUTSW), FLUSH CACHE, status into EAX.
 */
class AtaGuestCodeTest {
    /* Assembled with `as --32` from:
     *   mov $0x3F6,%dx; mov $2,%al; out %al,%dx          # nIEN
     *   mov $0x1F6,%dx; mov $0xE0,%al; out %al,%dx       # LBA, drive 0
     *   count 2 -> 1F2, LBA 5 -> 1F3, 0 -> 1F4, 1F5; READ SECTORS (20h) -> 1F7
     *   mov $0x8000,%edi
     *   1: in %dx,%al; test $0x80,%al; jnz 1b; test $8,%al; jz 9f
     *      mov $0x1F0,%dx; mov $128,%ecx; rep insl
     *   2: (same wait); mov $0x1F0,%dx; mov $256,%ecx; rep insw
     *   count 2 -> 1F2, LBA 9 -> 1F3; WRITE SECTORS (30h) -> 1F7; mov $0x8000,%esi; mov $2,%ebx
     *   3: mov $0x1F7,%dx; 4: (wait for DRQ); mov $0x1F0,%dx; mov $256,%ecx; rep outsw; dec %ebx; jnz 3b
     *   FLUSH CACHE (E7h) -> 1F7; 5: in %dx,%al; test $0x80,%al; jnz 5b; movzbl %al,%eax; hlt
     *   9: mov $0xBAD,%eax; hlt
     */
    private static final byte[] CODE = bytes(
        0x66, 0xBA, 0xF6, 0x03, 0xB0, 0x02, 0xEE, 0x66, 0xBA, 0xF6, 0x01, 0xB0, 0xE0, 0xEE, 0x66, 0xBA,
        0xF2, 0x01, 0xB0, 0x02, 0xEE, 0x66, 0xBA, 0xF3, 0x01, 0xB0, 0x05, 0xEE, 0x66, 0xBA, 0xF4, 0x01,
        0x30, 0xC0, 0xEE, 0x66, 0xBA, 0xF5, 0x01, 0xEE, 0x66, 0xBA, 0xF7, 0x01, 0xB0, 0x20, 0xEE, 0xBF,
        0x00, 0x80, 0x00, 0x00, 0x66, 0xBA, 0xF7, 0x01, 0xEC, 0xA8, 0x80, 0x75, 0xFB, 0xA8, 0x08, 0x74,
        0x6F, 0x66, 0xBA, 0xF0, 0x01, 0xB9, 0x80, 0x00, 0x00, 0x00, 0xF3, 0x6D, 0x66, 0xBA, 0xF7, 0x01,
        0xEC, 0xA8, 0x80, 0x75, 0xFB, 0xA8, 0x08, 0x74, 0x57, 0x66, 0xBA, 0xF0, 0x01, 0xB9, 0x00, 0x01,
        0x00, 0x00, 0x66, 0xF3, 0x6D, 0x66, 0xBA, 0xF2, 0x01, 0xB0, 0x02, 0xEE, 0x66, 0xBA, 0xF3, 0x01,
        0xB0, 0x09, 0xEE, 0x66, 0xBA, 0xF7, 0x01, 0xB0, 0x30, 0xEE, 0xBE, 0x00, 0x80, 0x00, 0x00, 0xBB,
        0x02, 0x00, 0x00, 0x00, 0x66, 0xBA, 0xF7, 0x01, 0xEC, 0xA8, 0x80, 0x75, 0xFB, 0xA8, 0x08, 0x74,
        0x1F, 0x66, 0xBA, 0xF0, 0x01, 0xB9, 0x00, 0x01, 0x00, 0x00, 0x66, 0xF3, 0x6F, 0x4B, 0x75, 0xE4,
        0x66, 0xBA, 0xF7, 0x01, 0xB0, 0xE7, 0xEE, 0xEC, 0xA8, 0x80, 0x75, 0xFB, 0x0F, 0xB6, 0xC0, 0xF4,
        0xB8, 0xAD, 0x0B, 0x00, 0x00, 0xF4);

    @TempDir
    Path dir;

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void readCopyWriteFlushFromGuestCode() throws IOException {
        Path file = AtaHarness.image(dir, "guest.img", 64);
        Pc pc = new Pc(1 << 20, null, List.of(DiskImage.open(file, false)));
        try {
            pc.mem.load(0x1000, CODE);
            pc.cpu.enterFlatProtectedMode();
            pc.cpu.eip = 0x1000;
            Pc.Result r = pc.run(100_000);
            assertEquals(Pc.Reason.HALTED, r.reason(), r.detail());
            assertEquals(0x50, pc.cpu.r[0], "final status DRDY (0xBAD if a DRQ never came)");
            for (int s = 0; s < 2; s++) {
                byte[] got = new byte[512];
                for (int i = 0; i < 512; i++) got[i] = (byte) pc.mem.read8(0x8000 + 512 * s + i);
                assertArrayEquals(AtaHarness.expectedSector(5 + s), got, "memory holds sector " + (5 + s));
            }
        } finally {
            pc.close();
        }
        byte[] disk = Files.readAllBytes(file);
        assertArrayEquals(AtaHarness.expectedSector(5), Arrays.copyOfRange(disk, 9 * 512, 10 * 512));
        assertArrayEquals(AtaHarness.expectedSector(6), Arrays.copyOfRange(disk, 10 * 512, 11 * 512));
        assertArrayEquals(AtaHarness.expectedSector(11), Arrays.copyOfRange(disk, 11 * 512, 12 * 512));
    }
}
