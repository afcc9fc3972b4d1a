package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/** Segment register moves and far-pointer loads (SDM Vol. 2 MOV Sreg, LDS/LES/LFS/LGS/LSS). */
public final class SegmentOps {
    private SegmentOps() { }

    public static void register(OpcodeTable t) {
        // Reading CS or SS reveals the RPL, i.e. the real CPL: sensitive (Robin and Irvine).
        t.def(0x8C, "mov", "Ev,Sw").exec(SegmentOps::movFromSeg16, SegmentOps::movFromSeg32)
                .attrs(Entry.SENSITIVE).add();
        t.def(0x8E, "mov", "Sw,Ew").exec(SegmentOps::movToSeg).attrs(Entry.ENDS_BLOCK).add();
        int far = Entry.MEM_ONLY;
        t.def(0xC4, "les", "Gz,Mp").exec(SegmentOps::les16, SegmentOps::les32).attrs(far | Entry.NOT_IN_LONG_MODE).add();
        t.def(0xC5, "lds", "Gz,Mp").exec(SegmentOps::lds16, SegmentOps::lds32).attrs(far | Entry.NOT_IN_LONG_MODE).add();
        t.def(0x1B2, "lss", "Gz,Mp").exec(SegmentOps::lss16, SegmentOps::lss32).attrs(far | Entry.ENDS_BLOCK).add();
        t.def(0x1B4, "lfs", "Gz,Mp").exec(SegmentOps::lfs16, SegmentOps::lfs32).attrs(far).add();
        t.def(0x1B5, "lgs", "Gz,Mp").exec(SegmentOps::lgs16, SegmentOps::lgs32).attrs(far).add();
    }

    /** MOV r/m16, Sreg: memory gets 16 bits; a 16-bit register keeps its upper half. */
    static void movFromSeg16(Cpu cpu, Insn i) {
        if (i.reg > 5) throw cpu.fault(Vectors.UD);
        cpu.writeE16(i, cpu.segSel[i.reg]);
    }

    /**
     * MOV r32, Sreg: on P6-family processors the upper 16 bits of the register are cleared
     * (SDM Vol. 2 MOV, note on 32-bit operands); a memory destination still gets 16 bits.
     */
    static void movFromSeg32(Cpu cpu, Insn i) {
        if (i.reg > 5) throw cpu.fault(Vectors.UD);
        if (i.mod == 3) cpu.r[i.rm] = cpu.segSel[i.reg];
        else cpu.write16(i.seg, cpu.ea(i), cpu.segSel[i.reg]);
    }

    /** MOV Sreg, r/m16: CS (and the nonexistent 6, 7) are #UD; SS holds interrupts off. */
    static void movToSeg(Cpu cpu, Insn i) {
        if (i.reg == Seg.CS || i.reg > 5) throw cpu.fault(Vectors.UD);
        int sel = i.mod == 3 ? cpu.r[i.rm] & 0xFFFF : cpu.read16(i.seg, cpu.ea(i));
        Segments.load(cpu, i.reg, sel);
    }

    /** LxS: offset then selector from memory; the register is written only after the segment load. */
    private static void loadFar(Cpu cpu, Insn i, int seg, boolean op32) {
        int ea = cpu.ea(i);
        int offset = op32 ? cpu.read32(i.seg, ea) : cpu.read16(i.seg, ea);
        int sel = cpu.read16(i.seg, ea + (op32 ? 4 : 2));
        Segments.loadNoShadow(cpu, seg, sel);
        if (op32) cpu.r[i.reg] = offset;
        else cpu.setReg16(i.reg, offset);
    }

    static void les16(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.ES, false);
    }

    static void les32(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.ES, true);
    }

    static void lds16(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.DS, false);
    }

    static void lds32(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.DS, true);
    }

    static void lss16(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.SS, false);
    }

    static void lss32(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.SS, true);
    }

    static void lfs16(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.FS, false);
    }

    static void lfs32(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.FS, true);
    }

    static void lgs16(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.GS, false);
    }

    static void lgs32(Cpu cpu, Insn i) {
        loadFar(cpu, i, Seg.GS, true);
    }
}
