package org.jvisor.machine.devices.ata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDENTIFY DEVICE words checked against ATA/ATAPI-6 8.15 (Table 16), read through the data port. */
class AtaIdentifyTest {
    @TempDir
    Path dir;

    /** Undoes the standard's byte order: first character in the high byte of each word. */
    private static String string(int[] w, int first, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = first; i < first + words; i++) sb.append((char) (w[i] >>> 8)).append((char) (w[i] & 0xFF));
        return sb.toString();
    }

    private static long dword(int[] w, int i) {
        return (long) w[i + 1] << 16 | w[i];
    }

    @Test
    void smallDiskIdentity() throws IOException {
        int sectors = 16 * 63 * 3 + 5;  // three default cylinders and a bit
        AtaDrive d = new AtaDrive(DiskImage.open(AtaHarness.image(dir, "a.img", sectors), false),
                "SN123", "TEST MODEL", "FW9");
        AtaHarness h = new AtaHarness(d, null);
        int[] w = h.identify(0);
        assertEquals(0, w[0] & 0x8000, "word 0 bit 15: ATA device");
        assertEquals(3, w[1], "cylinders");
        assertEquals(16, w[3], "heads");
        assertEquals(63, w[6], "sectors per track");
        assertEquals(String.format("%-20s", "SN123"), string(w, 10, 10));
        assertEquals(String.format("%-8s", "FW9"), string(w, 23, 4));
        assertEquals(String.format("%-40s", "TEST MODEL"), string(w, 27, 20));
        assertEquals(0x5445, w[27], "'T' high, 'E' low");
        assertEquals(0x80, w[47] >>> 8, "word 47 high byte 80h");
        assertEquals(16, w[47] & 0xFF, "max multiple");
        assertTrue((w[49] & 0x0200) != 0, "LBA supported");
        assertEquals(0, w[49] & 0x0100, "no DMA");
        assertEquals(0x4000, w[50] & 0xC000);
        assertEquals(0x0100 | 16, w[59], "multiple valid, 16 per block");
        assertEquals(sectors, dword(w, 60), "LBA28 capacity");
        assertEquals(3, w[54]);
        assertEquals(3L * 16 * 63, dword(w, 57), "current CHS capacity");
        assertEquals(0x4000, w[83] & 0xC000, "word 83 valid");
        assertTrue((w[83] & (1 << 10)) != 0, "48-bit address feature set");
        assertTrue((w[83] & (1 << 12)) != 0, "FLUSH CACHE");
        assertTrue((w[83] & (1 << 13)) != 0, "FLUSH CACHE EXT");
        assertTrue((w[86] & (1 << 10)) != 0, "48-bit enabled");
        assertTrue((w[85] & (1 << 5)) != 0, "write cache enabled");
        assertTrue((w[80] & (1 << 6)) != 0, "ATA/ATAPI-6");
        long lba48 = (long) w[103] << 48 | (long) w[102] << 32 | (long) w[101] << 16 | w[100];
        assertEquals(sectors, lba48);
        assertEquals(0xA5, w[255] & 0xFF);
        int sum = 0;
        for (int x : w) sum += (x & 0xFF) + (x >>> 8);
        assertEquals(0, sum & 0xFF, "integrity word: all 512 bytes sum to zero");
        assertEquals(0x50, h.altStatus(), "after the block: DRDY, no DRQ");
    }

    @Test
    void bigDiskCapsLba28AndCylinders() throws IOException {
        long sectors = 0x1000_0000L + 4096;  // 128 GiB + 2 MiB, sparse
        AtaDrive d = new AtaDrive(DiskImage.open(AtaHarness.sparseImage(dir, "big.img", sectors), true));
        int[] w = new AtaHarness(d, null).identify(0);
        assertEquals(0x0FFF_FFFFL, dword(w, 60), "words 60-61 saturate at 0FFFFFFFh");
        assertEquals(sectors, dword(w, 100) | (long) w[102] << 32 | (long) w[103] << 48);
        assertEquals(16383, w[1], "cylinders capped");
        assertTrue(string(w, 27, 20).startsWith("JVISOR HARDDISK "));
        assertTrue(string(w, 10, 10).startsWith("JV"));
    }

    @Test
    void identifyReflectsSettings() throws IOException {
        AtaDrive d = new AtaDrive(DiskImage.open(AtaHarness.image(dir, "s.img", 4096), false), "X");
        AtaHarness h = new AtaHarness(d, null);
        h.out(AtaHarness.COUNT, 4);
        h.out(AtaHarness.COMMAND, 0xC6);           // SET MULTIPLE MODE 4
        h.ackInterrupt();
        h.out(AtaHarness.FEATURES, 0x82);
        h.out(AtaHarness.COMMAND, 0xEF);           // SET FEATURES: disable write cache
        h.ackInterrupt();
        h.select(0, false, 7);
        h.out(AtaHarness.COUNT, 32);
        h.out(AtaHarness.COMMAND, 0x91);           // INITIALIZE DEVICE PARAMETERS: 8 heads, 32 sectors
        assertEquals(0x50, h.ackInterrupt());
        int[] w = h.identify(0);
        assertEquals(0x0104, w[59]);
        assertEquals(0, w[85] & (1 << 5), "write cache disabled");
        assertEquals(8, w[55]);
        assertEquals(32, w[56]);
        assertEquals(4096 / (8 * 32), w[54]);
        assertEquals(16, w[3], "default geometry words unchanged");
    }
}
