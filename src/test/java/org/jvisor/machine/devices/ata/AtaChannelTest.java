package org.jvisor.machine.devices.ata;

import static org.jvisor.machine.devices.ata.AtaHarness.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Channel behaviour: resets, interrupts, drive selection, errors and the non-data commands. */
class AtaChannelTest {
    @TempDir
    Path dir;

    private AtaDrive drive(String name, int sectors, boolean readOnly) throws IOException {
        return new AtaDrive(DiskImage.open(AtaHarness.image(dir, name, sectors), readOnly), name);
    }

    private void assertSignature(AtaHarness h) {
        assertEquals(1, h.in(COUNT), "signature: sector count 01h");
        assertEquals(1, h.in(LBA_LOW), "signature: LBA low 01h");
        assertEquals(0, h.in(LBA_MID), "signature: LBA mid 00h (not 14h: not a PACKET device)");
        assertEquals(0, h.in(LBA_HIGH), "signature: LBA high 00h (not EBh)");
        assertEquals(0, h.in(DEVICE) & 0x10, "drive 0 selected");
        assertEquals(0x01, h.in(ERROR), "diagnostic code 01h: passed");
    }

    @Test
    void softResetLeavesTheSignature() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), drive("b", 64, false));
        h.lba28(1, 7, 9, 0xC6);               // junk in the task file, a command on drive 1
        h.control(0x04);                       // SRST held
        assertEquals(BSY, h.altStatus() & BSY, "BSY while SRST is one");
        assertFalse(h.irq);
        h.control(0x00);
        assertFalse(h.irq, "no interrupt after a soft reset");
        assertSignature(h);
        assertEquals(0x50, h.status());
        h.select(1, false, 0);
        assertEquals(0x50, h.status(), "drive 1 ready too");
        assertEquals(0x01, h.in(ERROR));
    }

    @Test
    void executeDeviceDiagnosticFromEitherDrive() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        h.select(1, false, 0);                 // issued while the absent drive 1 is selected
        h.out(COUNT, 0x33);
        h.out(COMMAND, 0x90);
        assertTrue(h.irq, "drive 0 raises the interrupt");
        assertSignature(h);
        assertEquals(0x50, h.ackInterrupt());
    }

    @Test
    void statusAcknowledgesAlternateStatusDoesNot() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        h.out(COMMAND, 0xE7);                  // FLUSH CACHE: completes with an interrupt
        assertTrue(h.irq);
        assertEquals(0x50, h.altStatus());
        assertTrue(h.irq, "alternate status leaves INTRQ pending");
        assertEquals(0x50, h.status());
        assertFalse(h.irq);
        assertEquals(1, h.risingEdges);
    }

    @Test
    void nIenMasksTheInterrupt() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        h.control(0x02);                       // nIEN
        h.out(COMMAND, 0xE7);
        assertFalse(h.irq, "masked");
        h.control(0x00);
        assertTrue(h.irq, "still pending: the line rises once unmasked");
        h.ackInterrupt();
        h.control(0x02);
        h.lba28(0, 3, 2, 0x20);                // a polled read, as SeaBIOS does
        assertEquals(0, h.risingEdges - 1, "no edge while masked");
        h.expectDrq();
        assertArrayEquals(expectedSector(3), h.readBlock16());
        h.expectDrq();
        assertArrayEquals(expectedSector(4), h.readBlock16());
        assertEquals(0x50, h.altStatus());
        assertFalse(h.irq);
    }

    @Test
    void interruptFollowsTheSelectedDrive() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), drive("b", 64, false));
        h.select(1, false, 0);
        h.out(COMMAND, 0xE7);
        assertTrue(h.irq);
        h.select(0, false, 0);
        assertFalse(h.irq, "INTRQ is driven by the selected drive only");
        assertEquals(0x50, h.status());        // acknowledges drive 0 only
        h.select(1, false, 0);
        assertTrue(h.irq, "drive 1 still pending");
        h.ackInterrupt();
    }

    @Test
    void absentDriveReadsZeroStatusAndIgnoresCommands() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        h.select(1, false, 0);
        assertEquals(0, h.status());
        assertEquals(0, h.altStatus());
        h.out(COUNT, 0x55);                    // libata's ata_devchk pattern: registers are shared
        h.out(LBA_LOW, 0xAA);
        assertEquals(0x55, h.in(COUNT));
        assertEquals(0xAA, h.in(LBA_LOW));
        h.out(COMMAND, 0xEC);
        assertFalse(h.irq);
        assertEquals(0, h.status());
        assertEquals(0xFFFF, h.channel.commandBlock().read(DATA, 2));
    }

    @Test
    void emptyChannelFloats() {
        AtaHarness h = new AtaHarness(null, null);
        assertEquals(0xFF, h.status());
        assertEquals(0xFF, h.altStatus());
        assertEquals(0xFF, h.in(COUNT));
    }

    @Test
    void hobReadsThePreviousContents() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        h.out(COUNT, 0x12);
        h.out(COUNT, 0x34);
        h.out(LBA_LOW, 0x56);
        h.out(LBA_LOW, 0x78);
        assertEquals(0x34, h.in(COUNT));
        h.control(0x80);
        assertEquals(0x12, h.in(COUNT));
        assertEquals(0x56, h.in(LBA_LOW));
        h.out(LBA_MID, 1);                     // any command block write clears HOB
        assertEquals(0x34, h.in(COUNT));
    }

    @Test
    void outOfRangeEndsWithIdnfAndTheFailingAddress() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 100, false), null);
        h.lba28(0, 98, 3, 0x20);               // 98, 99 exist; 100 does not
        assertEquals(0x51, h.ackInterrupt(), "DRDY ERR, no DRQ");
        assertEquals(IDNF, h.in(ERROR));
        assertEquals(100, h.in(LBA_LOW), "address of the first sector in error");
        h.lba48(0, 0x1_0000_0000L, 1, 0x24);
        assertEquals(0x51, h.ackInterrupt());
        assertEquals(IDNF, h.in(ERROR));
        h.lba28(0, 100, 1, 0x30);              // writes and verify are checked too
        assertEquals(0x51, h.ackInterrupt());
        h.lba28(0, 99, 2, 0x40);
        assertEquals(0x51, h.ackInterrupt());
        h.lba28(0, 99, 1, 0x40);
        assertEquals(0x50, h.ackInterrupt(), "READ VERIFY in range");
        h.lba48(0, 90, 10, 0x42);
        assertEquals(0x50, h.ackInterrupt(), "READ VERIFY EXT in range");
        h.lba48(0, 90, 11, 0x42);
        assertEquals(0x51, h.ackInterrupt(), "READ VERIFY EXT one past the end");
        assertEquals(IDNF, h.in(ERROR));
        h.control(0x80);
        assertEquals(0, h.in(LBA_LOW), "HOB: LBA bits 31:24 of the failing address");
        h.control(0x00);
        assertEquals(100, h.in(LBA_LOW), "LBA bits 7:0 of the failing address");
        h.select(0, false, 0);                 // CHS sector 0 does not exist
        h.out(LBA_LOW, 0);
        h.out(COUNT, 1);
        h.out(COMMAND, 0x20);
        assertEquals(0x51, h.ackInterrupt());
        assertEquals(IDNF, h.in(ERROR));
        h.lba28(0, 0, 1, 0x20);                // and the drive recovers
        assertEquals(0x58, h.ackInterrupt());
        assertArrayEquals(expectedSector(0), h.readBlock16());
    }

    @Test
    void lba48ReachesBeyondTheLba28Limit() throws IOException {
        long sectors = 0x1000_0000L + 8;
        Path p = AtaHarness.sparseImage(dir, "big.img", sectors);
        byte[] mark = expectedSector(42);
        try (var f = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(mark), 0x1000_0003L * 512);
        }
        AtaHarness h = new AtaHarness(new AtaDrive(DiskImage.open(p, true)), null);
        h.lba48(0, 0x1000_0003L, 1, 0x24);
        h.ackInterrupt();
        assertArrayEquals(mark, h.readBlock16());
        h.lba28(0, 0x0FFF_FFFFL, 1, 0x20);     // words 60-61 = 0FFFFFFFh: the last LBA28 sector is 0FFFFFFEh
        assertEquals(0x51, h.ackInterrupt());
        assertEquals(IDNF, h.in(ERROR));
        h.lba28(0, 0x0FFF_FFFEL, 1, 0x20);
        assertEquals(0x58, h.ackInterrupt());
    }

    @Test
    void readOnlyImageAbortsWritesAndKeepsTheFile() throws IOException {
        AtaHarness h = new AtaHarness(drive("ro", 16, true), null);
        for (int cmd : new int[] {0x30, 0x34, 0xC5, 0x39}) {
            if (cmd == 0x34 || cmd == 0x39) h.lba48(0, 1, 1, cmd);
            else h.lba28(0, 1, 1, cmd);
            assertEquals(0x51, h.ackInterrupt(), "ERR, no DRQ for command " + Integer.toHexString(cmd));
            assertEquals(ABRT, h.in(ERROR));
            h.channel.commandBlock().write(DATA, 2, 0x1234);  // stray data goes nowhere
        }
        h.out(COMMAND, 0xE7);
        assertEquals(0x50, h.ackInterrupt(), "flush of a read-only image succeeds");
        h.channel.close();
        assertArrayEquals(expectedSector(1),
                java.util.Arrays.copyOfRange(Files.readAllBytes(dir.resolve("ro")), 512, 1024));
    }

    @Test
    void unsupportedCommandsAbort() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        for (int cmd : new int[] {0x08, 0xA0, 0xA1, 0x00, 0xC8, 0xF8}) {
            h.out(COMMAND, cmd);
            assertEquals(0x51, h.ackInterrupt(), "command " + Integer.toHexString(cmd));
            assertEquals(ABRT, h.in(ERROR));
        }
        h.out(FEATURES, 0x03);
        h.out(COUNT, 0x42);                    // SET FEATURES: UDMA mode 2 is not offered
        h.out(COMMAND, 0xEF);
        assertEquals(0x51, h.ackInterrupt());
    }

    @Test
    void setFeaturesPowerModesAndFlush() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        for (int mode : new int[] {0x00, 0x01, 0x08, 0x0C}) {
            h.out(FEATURES, 0x03);
            h.out(COUNT, mode);
            h.out(COMMAND, 0xEF);
            assertEquals(0x50, h.ackInterrupt(), "PIO transfer mode " + Integer.toHexString(mode));
            assertEquals(0, h.in(ERROR));
        }
        for (int f : new int[] {0x02, 0x82, 0xAA, 0x55, 0x66, 0xCC}) {
            h.out(FEATURES, f);
            h.out(COMMAND, 0xEF);
            assertEquals(0x50, h.ackInterrupt(), "feature " + Integer.toHexString(f));
        }
        h.out(COMMAND, 0xE5);
        assertEquals(0x50, h.ackInterrupt());
        assertEquals(0xFF, h.in(COUNT), "active or idle");
        h.out(COMMAND, 0xE0);                  // STANDBY IMMEDIATE
        assertEquals(0x50, h.ackInterrupt());
        h.out(COMMAND, 0xE5);
        h.ackInterrupt();
        assertEquals(0x00, h.in(COUNT), "standby");
        for (int cmd : new int[] {0xE1, 0xE2, 0xE3, 0xEA, 0x10}) {
            h.out(COMMAND, cmd);
            assertEquals(0x50, h.ackInterrupt(), "command " + Integer.toHexString(cmd));
        }
        h.out(COMMAND, 0xE5);
        h.ackInterrupt();
        assertEquals(0xFF, h.in(COUNT), "IDLE brought it back");
    }

    @Test
    void initializeDeviceParametersRejectsZeroSectors() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        h.select(0, false, 15);
        h.out(COUNT, 0);
        h.out(COMMAND, 0x91);
        assertEquals(0x51, h.ackInterrupt());
        assertEquals(ABRT, h.in(ERROR));
    }

    @Test
    void newCommandAfterAnErrorClearsErr() throws IOException {
        AtaHarness h = new AtaHarness(drive("a", 64, false), null);
        h.out(COMMAND, 0xA1);
        assertEquals(0x51, h.ackInterrupt());
        h.out(COMMAND, 0xE7);
        assertEquals(0x50, h.ackInterrupt());
        assertEquals(0, h.in(ERROR));
    }
}
