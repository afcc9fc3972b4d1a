package org.jvisor.machine.devices.ata;

import static org.jvisor.machine.devices.ata.AtaHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PIO data-in and data-out (ATA/ATAPI-6 9.7, 9.8) for every read and write command. */
class AtaTransferTest {
    private static final int SECTORS = 4096;

    @TempDir
    Path dir;

    private Path file;

    private AtaHarness open(boolean readOnly) throws IOException {
        if (file == null) file = AtaHarness.image(dir, "disk.img", SECTORS);
        return new AtaHarness(new AtaDrive(DiskImage.open(file, readOnly), "T"), null);
    }

    /** Data-in: one interrupt per block, each acknowledged by reading Status, then DRQ. */
    private static void readAndCheck(AtaHarness h, long first, int count, int perBlock, boolean wide) {
        for (int s = 0; s < count; s++) {
            if (s % perBlock == 0) {
                assertTrue(h.irq, "interrupt for the block at sector " + s);
                h.status();
                h.expectDrq();
            }
            byte[] got = wide ? h.readBlock32() : h.readBlock16();
            assertArrayEquals(expectedSector(first + s), got, "sector " + (first + s));
        }
        assertFalse(h.irq, "no interrupt after the last block of a read");
        assertEquals(0x50, h.altStatus(), "DRDY, DRQ clear at the end");
    }

    private static byte[] fill(int seed) {
        byte[] b = new byte[512];
        for (int i = 0; i < 512; i++) b[i] = (byte) (seed * 37 + i * 11);
        return b;
    }

    /** Data-out: DRQ without an interrupt for the first block, an interrupt after every block. */
    private static void writeBlocks(AtaHarness h, int count, int perBlock, int seed, boolean wide) {
        for (int s = 0; s < count; s++) {
            if (s % perBlock == 0) {
                if (s > 0) h.ackInterrupt();
                else assertFalse(h.irq, "no interrupt before the first block");
                h.expectDrq();
            }
            if (wide) h.writeBlock32(fill(seed + s));
            else h.writeBlock16(fill(seed + s));
        }
        assertEquals(0x50, h.ackInterrupt(), "completion interrupt, DRDY");
    }

    private byte[] fileSector(long s) throws IOException {
        return Arrays.copyOfRange(Files.readAllBytes(file), (int) s * 512, (int) s * 512 + 512);
    }

    @Test
    void readSectorsLba28() throws IOException {
        AtaHarness h = open(true);
        h.lba28(0, 1000, 3, 0x20);
        readAndCheck(h, 1000, 3, 1, false);
        assertEquals(3, h.risingEdges);
    }

    @Test
    void readSectorsThroughThe32BitDataPort() throws IOException {
        AtaHarness h = open(true);
        h.lba28(0, 77, 2, 0x20);
        readAndCheck(h, 77, 2, 1, true);
    }

    @Test
    void countZeroMeans256() throws IOException {
        AtaHarness h = open(true);
        h.lba28(0, 10, 0, 0x20);
        readAndCheck(h, 10, 256, 1, false);
    }

    @Test
    void readSectorsExt() throws IOException {
        AtaHarness h = open(true);
        h.lba48(0, 4000, 0x0005, 0x24);
        readAndCheck(h, 4000, 5, 1, false);
    }

    @Test
    void readMultipleDeliversBlocksOfTheMultipleCount() throws IOException {
        AtaHarness h = open(true);
        h.out(COUNT, 4);
        h.out(COMMAND, 0xC6);
        assertEquals(0x50, h.ackInterrupt());
        h.lba28(0, 200, 10, 0xC4);
        readAndCheck(h, 200, 10, 4, false);
        assertEquals(4, h.risingEdges, "SET MULTIPLE + three blocks (4, 4, 2)");
        h.lba48(0, 300, 16, 0x29);
        readAndCheck(h, 300, 16, 4, true);
    }

    @Test
    void writeSectorsSurvivesARestart() throws IOException {
        AtaHarness h = open(false);
        h.lba28(0, 500, 2, 0x30);
        writeBlocks(h, 2, 1, 1, false);
        h.channel.close();
        assertArrayEquals(fill(1), fileSector(500));
        assertArrayEquals(fill(2), fileSector(501));
        assertArrayEquals(expectedSector(502), fileSector(502), "neighbour untouched");
        AtaHarness again = new AtaHarness(new AtaDrive(DiskImage.open(file, false)), null);
        again.lba28(0, 499, 3, 0x20);
        again.ackInterrupt();
        assertArrayEquals(expectedSector(499), again.readBlock16());
        again.ackInterrupt();
        assertArrayEquals(fill(1), again.readBlock16());
        again.ackInterrupt();
        assertArrayEquals(fill(2), again.readBlock16());
    }

    @Test
    void writeSectorsExtAndWriteMultiple() throws IOException {
        AtaHarness h = open(false);
        h.lba48(0, 4090, 3, 0x34);
        writeBlocks(h, 3, 1, 10, true);
        h.lba28(0, 40, 5, 0xC5);               // default multiple count 16: one block of 5
        writeBlocks(h, 5, 16, 20, false);
        h.out(COUNT, 2);
        h.out(COMMAND, 0xC6);
        h.ackInterrupt();
        h.lba48(0, 60, 5, 0x39);               // WRITE MULTIPLE EXT in blocks of 2, 2, 1
        writeBlocks(h, 5, 2, 30, false);
        for (int i = 0; i < 3; i++) assertArrayEquals(fill(10 + i), fileSector(4090 + i));
        for (int i = 0; i < 5; i++) assertArrayEquals(fill(20 + i), fileSector(40 + i));
        for (int i = 0; i < 5; i++) assertArrayEquals(fill(30 + i), fileSector(60 + i));
    }

    @Test
    void chsAddressingWithDefaultAndInitializedGeometry() throws IOException {
        AtaHarness h = open(true);
        // C=2, H=5, S=9 with 16 heads, 63 sectors: LBA (2*16+5)*63+8 = 2339
        h.select(0, false, 5);
        h.out(COUNT, 2);
        h.out(LBA_LOW, 9);
        h.out(LBA_MID, 2);
        h.out(LBA_HIGH, 0);
        h.out(COMMAND, 0x20);
        readAndCheck(h, 2339, 2, 1, false);
        h.select(0, false, 3);                 // 4 heads
        h.out(COUNT, 17);                      // 17 sectors per track
        h.out(COMMAND, 0x91);
        h.ackInterrupt();
        h.select(0, false, 2);                 // C=10, H=2, S=1: (10*4+2)*17 = 714
        h.out(COUNT, 1);
        h.out(LBA_LOW, 1);
        h.out(LBA_MID, 10);
        h.out(COMMAND, 0x20);
        readAndCheck(h, 714, 1, 1, false);
    }

    @Test
    void multipleCommandsAbortWhenMultipleModeIsDisabled() throws IOException {
        AtaHarness h = open(false);
        h.out(COUNT, 0);
        h.out(COMMAND, 0xC6);                  // SET MULTIPLE MODE 0: disabled
        assertEquals(0x50, h.ackInterrupt());
        h.lba28(0, 0, 1, 0xC4);
        assertEquals(0x51, h.ackInterrupt());
        assertEquals(ABRT, h.in(ERROR));
        h.lba48(0, 0, 1, 0x39);
        assertEquals(0x51, h.ackInterrupt());
        h.out(COUNT, 3);
        h.out(COMMAND, 0xC6);                  // not a power of two
        assertEquals(0x51, h.ackInterrupt());
        h.out(COUNT, 32);
        h.out(COMMAND, 0xC6);                  // above word 47's maximum
        assertEquals(0x51, h.ackInterrupt());
        assertArrayEquals(expectedSector(0), fileSector(0));
    }
}
