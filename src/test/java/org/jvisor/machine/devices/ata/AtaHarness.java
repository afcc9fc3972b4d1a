package org.jvisor.machine.devices.ata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Programs an {@link AtaChannel} through its ports the way a PIO driver does (Linux
 * libata's SFF helpers, SeaBIOS ata.c): select, load the task file, issue the command,
 * wait for DRQ, move data, read Status to acknowledge the interrupt. It counts rising
 * edges on the IRQ line.
 */
final class AtaHarness {
    static final int DATA = 0, ERROR = 1, FEATURES = 1, COUNT = 2, LBA_LOW = 3, LBA_MID = 4, LBA_HIGH = 5;
    static final int DEVICE = 6, STATUS = 7, COMMAND = 7;
    static final int BSY = 0x80, DRDY = 0x40, DRQ = 0x08, ERR = 0x01;
    static final int ABRT = 0x04, IDNF = 0x10;

    final AtaChannel channel;
    boolean irq;
    int risingEdges;

    AtaHarness(AtaDrive master, AtaDrive slave) {
        channel = new AtaChannel(level -> {
            if (level && !irq) risingEdges++;
            irq = level;
        }, master, slave);
    }

    /** An image of {@code sectors} sectors, each filled by {@link #pattern}. */
    static Path image(Path dir, String name, int sectors) throws IOException {
        Path p = dir.resolve(name);
        byte[] data = new byte[sectors * 512];
        for (int s = 0; s < sectors; s++) for (int i = 0; i < 512; i++) data[s * 512 + i] = pattern(s, i);
        Files.write(p, data);
        return p;
    }

    /** A sparse image of the given size in sectors (contents read as zeros). */
    static Path sparseImage(Path dir, String name, long sectors) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(sectors * 512);
        }
        return p;
    }

    /** Byte {@code i} of sector {@code s} in a patterned image: differs between nearby sectors. */
    static byte pattern(long s, int i) {
        return (byte) (s * 131 + i * 7 + (s >>> 8) * 17 + 3);
    }

    void out(int reg, int v) {
        channel.commandBlock().write(reg, 1, v);
    }

    int in(int reg) {
        return channel.commandBlock().read(reg, 1);
    }

    int status() {
        return in(STATUS);
    }

    int altStatus() {
        return channel.controlBlock().read(0, 1);
    }

    void control(int v) {
        channel.controlBlock().write(0, 1, v);
    }

    /** Device register value: obsolete bits 7 and 5 set as drivers write them, LBA bit, DEV bit. */
    void select(int unit, boolean lba, int head) {
        out(DEVICE, 0xA0 | (lba ? 0x40 : 0) | unit << 4 | head);
    }

    void lba28(int unit, long lba, int count, int command) {
        select(unit, true, (int) (lba >>> 24) & 0xF);
        out(COUNT, count);
        out(LBA_LOW, (int) lba & 0xFF);
        out(LBA_MID, (int) (lba >>> 8) & 0xFF);
        out(LBA_HIGH, (int) (lba >>> 16) & 0xFF);
        out(COMMAND, command);
    }

    /** 48-bit: each register written twice, high order byte first (6.16.2). */
    void lba48(int unit, long lba, int count, int command) {
        select(unit, true, 0);
        out(COUNT, count >>> 8);
        out(LBA_LOW, (int) (lba >>> 24) & 0xFF);
        out(LBA_MID, (int) (lba >>> 32) & 0xFF);
        out(LBA_HIGH, (int) (lba >>> 40) & 0xFF);
        out(COUNT, count & 0xFF);
        out(LBA_LOW, (int) lba & 0xFF);
        out(LBA_MID, (int) (lba >>> 8) & 0xFF);
        out(LBA_HIGH, (int) (lba >>> 16) & 0xFF);
        out(COMMAND, command);
    }

    /** Waits for a data block as a driver does: BSY clear and DRQ set (Alternate Status, no ack). */
    void expectDrq() {
        int s = altStatus();
        assertEquals(0, s & BSY, "BSY");
        assertEquals(DRQ, s & (DRQ | ERR), String.format("status %02x: DRQ without ERR", s));
    }

    /** Reads one 512-byte block through the 16-bit data port. */
    byte[] readBlock16() {
        byte[] b = new byte[512];
        for (int i = 0; i < 512; i += 2) {
            int w = channel.commandBlock().read(DATA, 2);
            b[i] = (byte) w;
            b[i + 1] = (byte) (w >>> 8);
        }
        return b;
    }

    /** Reads one 512-byte block through the 32-bit data port (ioread32_rep). */
    byte[] readBlock32() {
        byte[] b = new byte[512];
        for (int i = 0; i < 512; i += 4) {
            int d = channel.commandBlock().read(DATA, 4);
            for (int k = 0; k < 4; k++) b[i + k] = (byte) (d >>> (8 * k));
        }
        return b;
    }

    void writeBlock16(byte[] b) {
        for (int i = 0; i < 512; i += 2) channel.commandBlock().write(DATA, 2, b[i] & 0xFF | (b[i + 1] & 0xFF) << 8);
    }

    void writeBlock32(byte[] b) {
        for (int i = 0; i < 512; i += 4) {
            int d = 0;
            for (int k = 0; k < 4; k++) d |= (b[i + k] & 0xFF) << (8 * k);
            channel.commandBlock().write(DATA, 4, d);
        }
    }

    /** Interrupt-driven completion: the line is up; reading Status drops it and returns the status. */
    int ackInterrupt() {
        assertTrue(irq, "interrupt pending");
        int s = status();
        assertEquals(false, irq, "reading Status clears the interrupt");
        return s;
    }

    /** IDENTIFY DEVICE on a unit: the 256 words. */
    int[] identify(int unit) {
        select(unit, false, 0);
        out(COMMAND, 0xEC);
        assertTrue(irq, "IDENTIFY raises the interrupt with its data block");
        status();
        expectDrq();
        byte[] b = readBlock16();
        int[] w = new int[256];
        for (int i = 0; i < 256; i++) w[i] = b[2 * i] & 0xFF | (b[2 * i + 1] & 0xFF) << 8;
        return w;
    }

    static byte[] expectedSector(long s) {
        byte[] b = new byte[512];
        for (int i = 0; i < 512; i++) b[i] = pattern(s, i);
        return b;
    }
}
