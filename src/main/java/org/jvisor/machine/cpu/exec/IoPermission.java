package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/**
 * I/O protection (SDM Vol. 1 18.5, Vol. 3A 20.2.8): in protected mode with CPL &gt; IOPL,
 * and always in virtual-8086 mode, a port access is allowed only when the I/O permission
 * bitmap of the current 32-bit TSS has a 0 bit for every byte port it touches. Otherwise
 * #GP(0). IN/OUT/INS/OUTS are therefore IOPL-sensitive, not privileged: at CPL 3 with
 * IOPL 3, or with the bitmap's permission, they run.
 */
final class IoPermission {
    /** The bitmap base is the word at this TSS offset (SDM Vol. 3A 7.2.1, Figure 7-2). */
    private static final int TSS_IOMAP_BASE = 0x66;

    private IoPermission() { }

    /** Raises #GP(0) unless the current privilege may access {@code size} bytes at {@code port}. */
    static void check(Cpu cpu, int port, int size) {
        if (!cpu.isProtectedMode()) return;
        if (!cpu.isV86() && cpu.cpl <= FlagStackOps.iopl(cpu)) return;
        if (!bitmapAllows(cpu, port & 0xFFFF, size)) throw cpu.fault(Vectors.GP, 0);
    }

    /**
     * Consults the bitmap: TR must hold a 32-bit TSS whose limit covers offset 0x67; the two
     * bitmap bytes holding the port's bits are read as a word (SDM Vol. 1 18.5.2: a bitmap
     * needs a trailing byte) and must lie inside the TSS limit. A base at or past the limit
     * means no bitmap: everything is denied.
     */
    private static boolean bitmapAllows(Cpu cpu, int port, int size) {
        int ar = cpu.segAr[Seg.TR];
        int type = ar & 0xF;
        if ((ar & Cpu.AR_P) == 0 || (type != 0x9 && type != 0xB)) return false;
        int base = cpu.segBase[Seg.TR], limit = cpu.segLimit[Seg.TR];
        if (Integer.compareUnsigned(limit, TSS_IOMAP_BASE + 1) < 0) return false;
        int mapBase = cpu.readLinear16(base + TSS_IOMAP_BASE, 0);
        int at = mapBase + (port >>> 3);
        if (Integer.compareUnsigned(at + 1, limit) > 0) return false;
        int bits = cpu.readLinear16(base + at, 0);
        int mask = ((1 << size) - 1) << (port & 7);
        return (bits & mask) == 0;
    }
}
