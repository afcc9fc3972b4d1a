package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Paging;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/**
 * Segment descriptors (SDM Vol. 3A 3.4.5): fetching one by selector from the GDT or LDT
 * with the table-limit check, and decoding its fields. A descriptor travels as a long:
 * low dword in bits 0-31, high dword in bits 32-63.
 */
public final class Descriptors {
    private Descriptors() { }

    /**
     * Reads the descriptor a selector names; #GP(selector) when it lies beyond the table
     * limit or names the LDT while LDTR is null. Accesses are supervisor accesses.
     */
    public static long read(Cpu cpu, int selector) {
        long addr = address(cpu, selector);
        if (addr < 0) throw cpu.fault(Vectors.GP, selector & 0xFFFC);
        int lo = cpu.readLinear32((int) addr, 0);
        int hi = cpu.readLinear32((int) addr + 4, 0);
        return (lo & 0xFFFFFFFFL) | ((long) hi << 32);
    }

    /** The linear address of a selector's descriptor, or -1 if outside its table. */
    public static long address(Cpu cpu, int selector) {
        int index = selector & 0xFFF8;
        int base, limit;
        if ((selector & 4) != 0) {
            if ((cpu.segSel[Seg.LDTR] & ~3) == 0) return -1;
            base = cpu.segBase[Seg.LDTR];
            limit = cpu.segLimit[Seg.LDTR];
        } else {
            base = cpu.gdtBase;
            limit = cpu.gdtLimit;
        }
        if (Integer.compareUnsigned(index + 7, limit) > 0) return -1;
        return (base + index) & 0xFFFFFFFFL;
    }

    /** Writes a descriptor's high dword back (accessed bit, busy bit). */
    public static void writeHigh(Cpu cpu, int selector, int high) {
        long addr = address(cpu, selector);
        cpu.writeLinear32((int) addr + 4, high, 0);
    }

    public static int high(long d) {
        return (int) (d >>> 32);
    }

    public static int base(long d) {
        int lo = (int) d, hi = high(d);
        return (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
    }

    /** The limit in bytes: scaled by 4 KiB when G is set (SDM 3.4.5). */
    public static int limit(long d) {
        int raw = ((int) d & 0xFFFF) | (high(d) & 0xF0000);
        return (high(d) & (1 << 23)) != 0 ? (raw << 12) | 0xFFF : raw;
    }

    /** Access rights in the cached form of {@link Cpu#segAr}: high dword bits 8-23, shifted down. */
    public static int accessRights(long d) {
        return (high(d) >>> 8) & 0xF0FF;
    }

    public static int type(long d) {
        return (high(d) >>> 8) & 0xF;
    }

    public static int dpl(long d) {
        return (high(d) >>> 13) & 3;
    }

    public static boolean present(long d) {
        return (high(d) & (1 << 15)) != 0;
    }

    /** S bit: code or data (true) versus system descriptor (false). */
    public static boolean codeOrData(long d) {
        return (high(d) & (1 << 12)) != 0;
    }

    /** Paging access bits for the implicit supervisor accesses of descriptor tables. */
    static final int SUPERVISOR = 0 * Paging.USER;
}
