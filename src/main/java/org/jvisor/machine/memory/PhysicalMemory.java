package org.jvisor.machine.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Guest-physical address space: RAM from 0 up to {@link #size()}, memory-mapped device
 * windows above it, and open bus (all ones) elsewhere. Addresses are unsigned ints.
 */
public final class PhysicalMemory {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] ram;
    /** Per 4 KiB RAM page: non-zero when decoded code was taken from the page. */
    private final byte[] codePages;
    private CodeWriteListener codeListener = page -> { };
    private MmioRegion[] mmio = new MmioRegion[0];

    /** Told when a write lands on a page that holds decoded code. */
    @FunctionalInterface
    public interface CodeWriteListener {
        void codeWritten(int physicalPage);
    }

    public PhysicalMemory(int sizeBytes) {
        if (sizeBytes <= 0 || (sizeBytes & 0xFFF) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 4 KiB: " + sizeBytes);
        }
        ram = new byte[sizeBytes];
        codePages = new byte[sizeBytes >>> 12];
    }

    public int size() {
        return ram.length;
    }

    public void setCodeWriteListener(CodeWriteListener listener) {
        codeListener = listener;
    }

    /** Marks a RAM page as holding decoded code; the next write to it calls the listener. */
    public void markCode(int physicalPage) {
        if (physicalPage >= 0 && physicalPage < codePages.length) {
            codePages[physicalPage] = 1;
        }
    }

    /** Maps a device window; accesses in [base, base+length) go to the device at offsets. */
    public void mapMmio(int base, int length, MmioDevice device) {
        MmioRegion[] grown = java.util.Arrays.copyOf(mmio, mmio.length + 1);
        grown[mmio.length] = new MmioRegion(base, length, device);
        mmio = grown;
    }

    public boolean isRam(int paddr) {
        return Integer.compareUnsigned(paddr, ram.length) < 0;
    }

    // --- reads -----------------------------------------------------------------------------

    public int read8(int p) {
        if (isRam(p)) return ram[p] & 0xFF;
        return readDevice(p, 1);
    }

    /** Reads 16 bits; the caller keeps the access inside one 4 KiB page. */
    public int read16(int p) {
        if (Integer.compareUnsigned(p, ram.length - 1) < 0) return (short) I16.get(ram, p) & 0xFFFF;
        return readDevice(p, 2);
    }

    /** Reads 32 bits; the caller keeps the access inside one 4 KiB page. */
    public int read32(int p) {
        if (Integer.compareUnsigned(p, ram.length - 3) < 0) return (int) I32.get(ram, p);
        return readDevice(p, 4);
    }

    /** Reads 64 bits; the caller keeps the access inside one 4 KiB page. */
    public long read64(int p) {
        if (Integer.compareUnsigned(p, ram.length - 7) < 0) return (long) I64.get(ram, p);
        return (read32(p) & 0xFFFFFFFFL) | ((long) read32(p + 4) << 32);
    }

    // --- writes ----------------------------------------------------------------------------

    public void write8(int p, int v) {
        if (isRam(p)) {
            ram[p] = (byte) v;
            if (codePages[p >>> 12] != 0) codeWrite(p >>> 12);
        } else {
            writeDevice(p, 1, v & 0xFF);
        }
    }

    public void write16(int p, int v) {
        if (Integer.compareUnsigned(p, ram.length - 1) < 0) {
            I16.set(ram, p, (short) v);
            if (codePages[p >>> 12] != 0) codeWrite(p >>> 12);
        } else {
            writeDevice(p, 2, v & 0xFFFF);
        }
    }

    public void write32(int p, int v) {
        if (Integer.compareUnsigned(p, ram.length - 3) < 0) {
            I32.set(ram, p, v);
            if (codePages[p >>> 12] != 0) codeWrite(p >>> 12);
        } else {
            writeDevice(p, 4, v);
        }
    }

    public void write64(int p, long v) {
        write32(p, (int) v);
        write32(p + 4, (int) (v >>> 32));
    }

    /** Copies bytes into RAM (loaders, DMA); code pages touched are invalidated. */
    public void load(int p, byte[] data, int offset, int length) {
        if (length == 0) return;
        if (p < 0 || (long) p + length > ram.length) {
            throw new IllegalArgumentException(String.format(
                    "load of %d bytes at %#x does not fit in %d bytes of RAM", length, p, ram.length));
        }
        System.arraycopy(data, offset, ram, p, length);
        for (int page = p >>> 12; page <= (p + length - 1) >>> 12; page++) {
            if (codePages[page] != 0) codeWrite(page);
        }
    }

    public void load(int p, byte[] data) {
        load(p, data, 0, data.length);
    }

    /** Copies RAM out (debuggers, tests, device DMA reads). */
    public void copyOut(int p, byte[] dest, int offset, int length) {
        System.arraycopy(ram, p, dest, offset, length);
    }

    private void codeWrite(int page) {
        codePages[page] = 0;
        codeListener.codeWritten(page);
    }

    private int readDevice(int p, int size) {
        for (MmioRegion r : mmio) {
            int off = p - r.base();
            if (Integer.compareUnsigned(off, r.length()) < 0) return r.device().read(off, size);
        }
        if (size < 4 && isRam(p)) { // a 16/32-bit read straddling the end of RAM
            int v = 0;
            for (int i = 0; i < size; i++) v |= read8(p + i) << (8 * i);
            return v;
        }
        return size == 4 ? -1 : (1 << (8 * size)) - 1;
    }

    private void writeDevice(int p, int size, int v) {
        for (MmioRegion r : mmio) {
            int off = p - r.base();
            if (Integer.compareUnsigned(off, r.length()) < 0) {
                r.device().write(off, size, v);
                return;
            }
        }
        if (isRam(p)) {
            for (int i = 0; i < size; i++) write8(p + i, v >>> (8 * i));
        }
    }

    private record MmioRegion(int base, int length, MmioDevice device) { }
}
