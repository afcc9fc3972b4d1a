package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.CpuFault;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.memory.PhysicalMemory;

/**
 * Fast paths for forward REP MOVS and REP STOS: a run of whole elements that stays inside
 * one page of source and destination (and inside 64 KiB with 16-bit addressing) is checked
 * once and copied element by element on physical addresses. Element-wise, in order, so
 * overlapping moves give exactly the sequential result. A run that would fail a segment
 * check returns 0 and the caller falls back to single iterations, which fault at the
 * exact element; a paging fault here is always the run's first element's fault.
 */
final class StringFast {
    private StringFast() { }

    /** Elements moved, or 0 when the caller should do one ordinary iteration. */
    static int movs(Cpu cpu, Insn i, int size, int count, int budget) {
        if (alignmentChecked(cpu)) return 0;
        boolean a32 = i.addr32;
        int src = StringRegs.index(cpu, a32, Reg.ESI), dst = StringRegs.index(cpu, a32, Reg.EDI);
        int srcLin = cpu.segBase[i.seg] + src, dstLin = cpu.segBase[Seg.ES] + dst;
        int k = run(count, budget, size, srcLin, dstLin, a32 ? -1 : Math.max(src, dst));
        if (k < 2) return 0;
        try {
            cpu.linear(i.seg, src, k * size, false);
            cpu.linear(Seg.ES, dst, k * size, true);
        } catch (CpuFault outsideSegment) {
            return 0;
        }
        int ps = cpu.paging.translate(srcLin, cpu.accessBits(false));
        int pd = cpu.paging.translate(dstLin, cpu.accessBits(true));
        copy(cpu.mem, ps, pd, k, size);
        StringRegs.advance(cpu, a32, Reg.ESI, k * size);
        StringRegs.advance(cpu, a32, Reg.EDI, k * size);
        return k;
    }

    /** Elements stored, or 0 when the caller should do one ordinary iteration. */
    static int stos(Cpu cpu, Insn i, int size, int count, int budget, int value) {
        if (alignmentChecked(cpu)) return 0;
        boolean a32 = i.addr32;
        int dst = StringRegs.index(cpu, a32, Reg.EDI);
        int dstLin = cpu.segBase[Seg.ES] + dst;
        int k = run(count, budget, size, dstLin, dstLin, a32 ? -1 : dst);
        if (k < 2) return 0;
        try {
            cpu.linear(Seg.ES, dst, k * size, true);
        } catch (CpuFault outsideSegment) {
            return 0;
        }
        int pd = cpu.paging.translate(dstLin, cpu.accessBits(true));
        fill(cpu.mem, pd, k, size, value);
        StringRegs.advance(cpu, a32, Reg.EDI, k * size);
        return k;
    }

    /**
     * #AC is possible (CPL 3 with CR0.AM and EFLAGS.AC, SDM Vol. 3A 6.15): every element needs
     * its own alignment check, so the ordinary path does them all.
     */
    private static boolean alignmentChecked(Cpu cpu) {
        return cpu.cpl == 3 && (cpu.cr0 & Cpu.CR0_AM) != 0 && (cpu.eflags & Flags.AC) != 0;
    }

    /**
     * The number of elements before the count, the budget, either page end, or (16-bit
     * addressing, {@code highest16} the larger index) the 64 KiB wrap.
     */
    private static int run(int count, int budget, int size, int linA, int linB, int highest16) {
        int k = Integer.compareUnsigned(count, budget) < 0 ? count : budget;
        k = Math.min(k, (0x1000 - (linA & 0xFFF)) / size);
        k = Math.min(k, (0x1000 - (linB & 0xFFF)) / size);
        if (highest16 >= 0) k = Math.min(k, (0x10000 - highest16) / size);
        return k;
    }

    private static void copy(PhysicalMemory mem, int ps, int pd, int k, int size) {
        switch (size) {
            case 1 -> {
                for (int j = 0; j < k; j++) mem.write8(pd + j, mem.read8(ps + j));
            }
            case 2 -> {
                for (int j = 0; j < 2 * k; j += 2) mem.write16(pd + j, mem.read16(ps + j));
            }
            default -> {
                for (int j = 0; j < 4 * k; j += 4) mem.write32(pd + j, mem.read32(ps + j));
            }
        }
    }

    private static void fill(PhysicalMemory mem, int pd, int k, int size, int v) {
        switch (size) {
            case 1 -> {
                for (int j = 0; j < k; j++) mem.write8(pd + j, v);
            }
            case 2 -> {
                for (int j = 0; j < 2 * k; j += 2) mem.write16(pd + j, v);
            }
            default -> {
                for (int j = 0; j < 4 * k; j += 4) mem.write32(pd + j, v);
            }
        }
    }
}
