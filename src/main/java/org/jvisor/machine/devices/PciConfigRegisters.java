package org.jvisor.machine.devices;

/**
 * A configuration space kept in a byte array with a per-bit write mask: bits outside the mask
 * are read-only (PCI Local Bus 3.0, 6.1: read-only registers ignore writes). Enough for
 * functions whose registers are plain storage; a device with side effects overrides writes.
 */
public class PciConfigRegisters implements PciConfigSpace {
    // Type 0 header offsets (PCI Local Bus 3.0, Figure 6-1).
    public static final int VENDOR_ID = 0x00, DEVICE_ID = 0x02, COMMAND = 0x04, STATUS = 0x06;
    public static final int REVISION_ID = 0x08, CLASS_CODE = 0x09, CACHE_LINE = 0x0C, LATENCY_TIMER = 0x0D;
    public static final int HEADER_TYPE = 0x0E, INTERRUPT_LINE = 0x3C;

    private final byte[] bytes = new byte[256];
    private final byte[] writable = new byte[256];

    /** Identity registers: vendor, device, revision, 24-bit class code (base, sub, interface), header type. */
    public PciConfigRegisters(int vendor, int device, int revision, int classCode, int headerType) {
        set(VENDOR_ID, 2, vendor);
        set(DEVICE_ID, 2, device);
        set(REVISION_ID, 1, revision);
        set(CLASS_CODE, 3, classCode);
        set(HEADER_TYPE, 1, headerType);
    }

    /** Sets a register's initial value regardless of the write mask. */
    public final void set(int offset, int size, int value) {
        for (int i = 0; i < size; i++) bytes[offset + i] = (byte) (value >>> (8 * i));
    }

    /** Makes the given bits of a register writable by the guest. */
    public final void allowWrites(int offset, int size, int mask) {
        for (int i = 0; i < size; i++) writable[offset + i] |= (byte) (mask >>> (8 * i));
    }

    @Override
    public int read(int offset, int size) {
        int v = 0;
        for (int i = size - 1; i >= 0; i--) v = v << 8 | (bytes[offset + i] & 0xFF);
        return v;
    }

    @Override
    public void write(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int m = writable[offset + i];
            bytes[offset + i] = (byte) ((bytes[offset + i] & ~m) | ((value >>> (8 * i)) & m));
        }
    }
}
