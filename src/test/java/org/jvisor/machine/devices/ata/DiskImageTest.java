package org.jvisor.machine.devices.ata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening raw images: size rules, one-line errors naming the file, reads and writes by sector. */
class DiskImageTest {
    @TempDir
    Path dir;

    private static void assertOneLineNaming(DiskImageException e, Path p, String words) {
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void missingFileCannotOpen() {
        Path p = dir.resolve("nope.img");
        DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImage.open(p, false));
        assertOneLineNaming(e, p, "cannot open");
        e = assertThrows(DiskImageException.class, () -> DiskImage.open(p, true));
        assertOneLineNaming(e, p, "cannot open");
    }

    @Test
    void directoryCannotOpen() {
        assertOneLineNaming(assertThrows(DiskImageException.class, () -> DiskImage.open(dir, false)), dir, "cannot open");
        assertOneLineNaming(assertThrows(DiskImageException.class, () -> DiskImage.open(dir, true)), dir, "cannot open");
    }

    @Test
    void emptyFileRejected() throws IOException {
        Path p = Files.createFile(dir.resolve("empty.img"));
        assertOneLineNaming(assertThrows(DiskImageException.class, () -> DiskImage.open(p, true)), p, "empty");
    }

    @Test
    void sizeMustBeWholeSectors() throws IOException {
        Path p = Files.write(dir.resolve("odd.img"), new byte[1000]);
        assertOneLineNaming(assertThrows(DiskImageException.class, () -> DiskImage.open(p, false)), p,
                "not a multiple of 512");
    }

    @Test
    void readsAndWritesWholeSectorsAtTheirOffsets() throws IOException {
        Path p = AtaHarness.image(dir, "d.img", 8);
        try (DiskImage img = DiskImage.open(p, false)) {
            assertEquals(8, img.sectors());
            byte[] buf = new byte[1024 + 16];
            img.read(3, buf, 16, 2);
            for (int i = 0; i < 512; i++) {
                assertEquals(AtaHarness.pattern(3, i), buf[16 + i]);
                assertEquals(AtaHarness.pattern(4, i), buf[16 + 512 + i]);
            }
            byte[] ones = new byte[512];
            java.util.Arrays.fill(ones, (byte) 0x5A);
            img.write(7, ones, 0, 1);
            assertThrows(IOException.class, () -> img.read(7, buf, 0, 2), "beyond the end");
        }
        byte[] file = Files.readAllBytes(p);
        assertArrayEquals(AtaHarness.expectedSector(6), java.util.Arrays.copyOfRange(file, 6 * 512, 7 * 512));
        for (int i = 7 * 512; i < 8 * 512; i++) assertEquals(0x5A, file[i]);
    }

    @Test
    void readOnlyImageRefusesWrites() throws IOException {
        Path p = AtaHarness.image(dir, "ro.img", 2);
        try (DiskImage img = DiskImage.open(p, true)) {
            assertTrue(img.readOnly());
            assertThrows(IOException.class, () -> img.write(0, new byte[512], 0, 1));
        }
        assertArrayEquals(AtaHarness.expectedSector(0), java.util.Arrays.copyOf(Files.readAllBytes(p), 512));
    }
}
