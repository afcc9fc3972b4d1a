package org.jvisor.machine.devices.ata;

/**
 * The shared command-block registers of one channel (clause 7). Both drives latch every write,
 * so the registers live here, not per drive. Features, Sector Count and the three LBA
 * registers are two-deep FIFOs for the 48-bit Address feature set: a write pushes the old
 * value into "previous", which the host reads back with HOB set in Device Control.
 */
final class TaskFile {
    int features, count, lbaLow, lbaMid, lbaHigh;
    int featuresPrev, countPrev, lbaLowPrev, lbaMidPrev, lbaHighPrev;
    int device;

    void writeFeatures(int v) {
        featuresPrev = features;
        features = v;
    }

    void writeCount(int v) {
        countPrev = count;
        count = v;
    }

    void writeLbaLow(int v) {
        lbaLowPrev = lbaLow;
        lbaLow = v;
    }

    void writeLbaMid(int v) {
        lbaMidPrev = lbaMid;
        lbaMid = v;
    }

    void writeLbaHigh(int v) {
        lbaHighPrev = lbaHigh;
        lbaHigh = v;
    }

    /** DEV bit of the Device register: 0 master, 1 slave. */
    int selectedUnit() {
        return (device & Ata.DEV_SELECT) != 0 ? 1 : 0;
    }

    boolean lbaMode() {
        return (device & Ata.DEV_LBA) != 0;
    }

    /** Sector count of a 28-bit command: 0 means 256. */
    int count28() {
        return count == 0 ? 256 : count;
    }

    /** Sector count of a 48-bit command: 0000h means 65536. */
    int count48() {
        int c = countPrev << 8 | count;
        return c == 0 ? 65536 : c;
    }

    /** 28-bit LBA: bits 27:24 in Device bits 3:0. */
    long lba28() {
        return (long) (device & 0x0F) << 24 | lbaHigh << 16 | lbaMid << 8 | lbaLow;
    }

    /** 48-bit LBA: the previous contents hold bits 47:24. */
    long lba48() {
        return (long) lbaHighPrev << 40 | (long) lbaMidPrev << 32 | (long) lbaLowPrev << 24
                | lbaHigh << 16 | lbaMid << 8 | lbaLow;
    }

    int cylinder() {
        return lbaHigh << 8 | lbaMid;
    }

    int head() {
        return device & 0x0F;
    }

    int sectorNumber() {
        return lbaLow;
    }

    void setLba28(long lba) {
        lbaLow = (int) lba & 0xFF;
        lbaMid = (int) (lba >>> 8) & 0xFF;
        lbaHigh = (int) (lba >>> 16) & 0xFF;
        device = device & 0xF0 | (int) (lba >>> 24) & 0x0F;
    }

    void setLba48(long lba) {
        lbaLow = (int) lba & 0xFF;
        lbaMid = (int) (lba >>> 8) & 0xFF;
        lbaHigh = (int) (lba >>> 16) & 0xFF;
        lbaLowPrev = (int) (lba >>> 24) & 0xFF;
        lbaMidPrev = (int) (lba >>> 32) & 0xFF;
        lbaHighPrev = (int) (lba >>> 40) & 0xFF;
    }

    void setChs(int cylinder, int head, int sector) {
        lbaLow = sector & 0xFF;
        lbaMid = cylinder & 0xFF;
        lbaHigh = (cylinder >>> 8) & 0xFF;
        device = device & 0xF0 | head & 0x0F;
    }

    /** The signature a non-PACKET device leaves after reset or diagnostics (9.12): 01h 01h 00h 00h 00h. */
    void loadSignature() {
        count = 1;
        lbaLow = 1;
        lbaMid = 0;
        lbaHigh = 0;
        device = 0;
        countPrev = lbaLowPrev = lbaMidPrev = lbaHighPrev = 0;
    }
}
