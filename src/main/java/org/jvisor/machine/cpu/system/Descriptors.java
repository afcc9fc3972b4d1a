package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
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
        return read(cpu, selector, Vectors.GP);
    }

    /** As {@link #read(Cpu, int)} with the vector the caller's context raises (#TS in a task switch). */
    public static long read(Cpu cpu, int selector, int vector) {
        long addr = address(cpu, selector);
        if (addr < 0) throw cpu.fault(vector, selector & 0xFFFC);
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

    // --- type tests (SDM 3.4.5.1 Table 3-1, 3.5 Table 3-2) --------------------------------

    /** A code segment descriptor (S=1, type bit 3 set). */
    public static boolean isCode(long d) {
        return codeOrData(d) && (type(d) & 8) != 0;
    }

    /** A data segment descriptor (S=1, type bit 3 clear). */
    public static boolean isData(long d) {
        return codeOrData(d) && (type(d) & 8) == 0;
    }

    public static boolean conforming(long d) {
        return isCode(d) && (type(d) & 4) != 0;
    }

    /** Readable: every data segment, or code with the R bit. */
    public static boolean readable(long d) {
        return codeOrData(d) && ((type(d) & 8) == 0 || (type(d) & 2) != 0);
    }

    /** Writable data (the only kind SS may hold). */
    public static boolean writableData(long d) {
        return isData(d) && (type(d) & 2) != 0;
    }

    /** The D/B bit (32-bit code or stack). */
    public static boolean big(long d) {
        return (high(d) & (1 << 22)) != 0;
    }

    // --- gates (SDM 5.8.3 Figure 5-8, 6.11 Figure 6-2) ----------------------------------------

    /** The segment selector a call, interrupt, trap or task gate names. */
    public static int gateSelector(long d) {
        return ((int) d >>> 16) & 0xFFFF;
    }

    /** A gate's entry offset; 16-bit gates use only the low word. */
    public static int gateOffset(long d) {
        int lo = (int) d & 0xFFFF;
        return (type(d) & 8) != 0 ? lo | (high(d) & 0xFFFF0000) : lo;
    }

    /** A call gate's parameter count (dwords or words to copy on a stack switch). */
    public static int gateParams(long d) {
        return high(d) & 0x1F;
    }

    /** Sets the accessed bit (type bit 0) in memory if clear (SDM 3.4.5.1); returns the new descriptor. */
    public static long setAccessed(Cpu cpu, int selector, long d) {
        if ((high(d) & 0x100) != 0) return d;
        long addr = address(cpu, selector);
        // A byte write like the processor's locked update of the type byte; supervisor access.
        cpu.writeLinear8((int) addr + 5, (high(d) >>> 8) | 1, 0);
        return d | (0x100L << 32);
    }
}
