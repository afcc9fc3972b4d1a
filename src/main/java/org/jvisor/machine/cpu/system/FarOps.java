package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Far control transfers (SDM Vol. 2 JMP, CALL, RET, IRET; Vol. 3A 5.8): to code segments,
 * through call gates with a stack switch to an inner privilege level, and to tasks. At
 * CPL 1-3 their privilege checks silently differ from ring 0, hence SENSITIVE.
 */
public final class FarOps {
    private static final int FAR = Entry.BRANCH | Entry.ENDS_BLOCK | Entry.SENSITIVE;

    private FarOps() { }

    public static void register(OpcodeTable t) {
        t.def(0xEA, "jmp", "Ap").exec(FarOps::jmpAp).attrs(FAR | Entry.NOT_IN_LONG_MODE).add();
        t.def(0x9A, "call", "Ap").exec(FarOps::callAp).attrs(FAR | Entry.NOT_IN_LONG_MODE).add();
        t.def(0xFF, 3, "call", "Mp").exec(FarOps::callMp).attrs(FAR | Entry.MEM_ONLY).add();
        t.def(0xFF, 5, "jmp", "Mp").exec(FarOps::jmpMp).attrs(FAR | Entry.MEM_ONLY).add();
        t.def(0xCA, "retf", "Iw").exec(FarOps::retf).attrs(FAR).add();
        t.def(0xCB, "retf", "").exec(FarOps::retf).attrs(FAR).add();
        t.def(0xCF, "iret", "").exec(Iret::iret).attrs(FAR).add();
    }

    static void jmpAp(Cpu cpu, Insn i) {
        farJump(cpu, i.imm2, i.imm, i.op32);
    }

    static void callAp(Cpu cpu, Insn i) {
        farCall(cpu, i.imm2, i.imm, i.op32);
    }

    static void jmpMp(Cpu cpu, Insn i) {
        int ea = cpu.ea(i);
        int offset = i.op32 ? cpu.read32(i.seg, ea) : cpu.read16(i.seg, ea);
        farJump(cpu, cpu.read16(i.seg, ea + (i.op32 ? 4 : 2)), offset, i.op32);
    }

    static void callMp(Cpu cpu, Insn i) {
        int ea = cpu.ea(i);
        int offset = i.op32 ? cpu.read32(i.seg, ea) : cpu.read16(i.seg, ea);
        farCall(cpu, cpu.read16(i.seg, ea + (i.op32 ? 4 : 2)), offset, i.op32);
    }

    private static void jumpTo(Cpu cpu, int eip) {
        cpu.nextEip = eip;
        cpu.endBlock = true;
    }

    /** JMP ptr16:16/32 and JMP m16:16/32. */
    static void farJump(Cpu cpu, int selector, int offset, boolean op32) {
        selector &= 0xFFFF;
        if (!op32) offset &= 0xFFFF;
        if (!cpu.isProtectedMode() || cpu.isV86()) {
            // SDM Vol. 2 JMP: real-address and virtual-8086 mode, #GP(0) beyond the CS limit.
            if (Integer.compareUnsigned(offset, realCodeLimit(cpu)) > 0) throw cpu.fault(Vectors.GP, 0);
            Segments.loadReal(cpu, Seg.CS, selector);
            jumpTo(cpu, offset);
            return;
        }
        long d = targetDescriptor(cpu, selector);
        if (Descriptors.codeOrData(d)) {
            checkDirectCode(cpu, selector, d);
            if (!Segments.withinLimit(d, offset)) throw cpu.fault(Vectors.GP, 0);
            Segments.loadCode(cpu, selector, d, cpu.cpl);
            jumpTo(cpu, offset);
            return;
        }
        switch (Descriptors.type(d)) {
            case 4, 0xC -> gateJump(cpu, selector, d);
            case 5 -> taskGate(cpu, selector, d, TaskSwitch.JMP);
            case Tss.AVAILABLE_16, Tss.AVAILABLE_32 -> tss(cpu, selector, d, TaskSwitch.JMP);
            default -> throw cpu.fault(Vectors.GP, selector & 0xFFFC);
        }
    }

    /** CALL ptr16:16/32 and CALL m16:16/32. */
    static void farCall(Cpu cpu, int selector, int offset, boolean op32) {
        selector &= 0xFFFF;
        if (!op32) offset &= 0xFFFF;
        int width = op32 ? 4 : 2;
        if (!cpu.isProtectedMode() || cpu.isV86()) {
            Stacks.checkCurrent(cpu, 2, width);
            if (Integer.compareUnsigned(offset, realCodeLimit(cpu)) > 0) throw cpu.fault(Vectors.GP, 0);
            pushReturn(cpu, width);
            Segments.loadReal(cpu, Seg.CS, selector);
            jumpTo(cpu, offset);
            return;
        }
        long d = targetDescriptor(cpu, selector);
        if (Descriptors.codeOrData(d)) {
            checkDirectCode(cpu, selector, d);
            Stacks.checkCurrent(cpu, 2, width);
            if (!Segments.withinLimit(d, offset)) throw cpu.fault(Vectors.GP, 0);
            d = Descriptors.setAccessed(cpu, selector, d);
            pushReturn(cpu, width);
            Segments.loadCode(cpu, selector, d, cpu.cpl);
            jumpTo(cpu, offset);
            return;
        }
        switch (Descriptors.type(d)) {
            case 4, 0xC -> CallGates.call(cpu, selector, d);
            case 5 -> taskGate(cpu, selector, d, TaskSwitch.CALL);
            case Tss.AVAILABLE_16, Tss.AVAILABLE_32 -> tss(cpu, selector, d, TaskSwitch.CALL);
            default -> throw cpu.fault(Vectors.GP, selector & 0xFFFC);
        }
    }

    /** The CS limit in real mode (the cached limit) and V86 mode (64 KiB). */
    private static int realCodeLimit(Cpu cpu) {
        return cpu.segLimit[Seg.CS];
    }

    /** Pushes CS and the return EIP on the current stack (room already checked), then moves ESP. */
    static void pushReturn(Cpu cpu, int width) {
        Stacks.putCurrent(cpu, 1, width, cpu.segSel[Seg.CS]);
        Stacks.putCurrent(cpu, 2, width, cpu.nextEip);
        cpu.adjustEsp(-2 * width);
    }

    /** Null selector #GP(0); beyond the table limit #GP(selector). */
    static long targetDescriptor(Cpu cpu, int selector) {
        if ((selector & ~3) == 0) throw cpu.fault(Vectors.GP, 0);
        return Descriptors.read(cpu, selector, Vectors.GP);
    }

    /**
     * A direct far JMP/CALL to a code segment (SDM 5.8.1.1): conforming needs DPL <= CPL;
     * non-conforming needs RPL <= CPL and DPL = CPL; else #GP(selector); absent #NP(selector).
     */
    private static void checkDirectCode(Cpu cpu, int selector, long d) {
        int err = selector & 0xFFFC, dpl = Descriptors.dpl(d);
        if (!Descriptors.isCode(d)) throw cpu.fault(Vectors.GP, err);
        if (Descriptors.conforming(d)) {
            if (dpl > cpu.cpl) throw cpu.fault(Vectors.GP, err);
        } else if ((selector & 3) > cpu.cpl || dpl != cpu.cpl) {
            throw cpu.fault(Vectors.GP, err);
        }
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
    }

    /** A gate or TSS named directly: DPL >= CPL and DPL >= RPL, else #GP(selector); absent #NP (SDM 5.8.4). */
    static void checkGateAccess(Cpu cpu, int selector, long d) {
        int dpl = Descriptors.dpl(d), err = selector & 0xFFFC;
        if (dpl < cpu.cpl || dpl < (selector & 3)) throw cpu.fault(Vectors.GP, err);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
    }

    /** JMP through a call gate: never changes privilege (SDM 5.8.4, Table 5-1). */
    private static void gateJump(Cpu cpu, int selector, long gate) {
        checkGateAccess(cpu, selector, gate);
        int target = Descriptors.gateSelector(gate);
        long d = CallGates.targetCode(cpu, target);
        int dpl = Descriptors.dpl(d);
        if (Descriptors.conforming(d) ? dpl > cpu.cpl : dpl != cpu.cpl) throw cpu.fault(Vectors.GP, target & 0xFFFC);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, target & 0xFFFC);
        int offset = Descriptors.gateOffset(gate);
        if (!Segments.withinLimit(d, offset)) throw cpu.fault(Vectors.GP, 0);
        Segments.loadCode(cpu, target, d, cpu.cpl);
        jumpTo(cpu, offset);
    }

    private static void taskGate(Cpu cpu, int selector, long gate, int source) {
        checkGateAccess(cpu, selector, gate);
        int tssSel = Descriptors.gateSelector(gate);
        long tss = TaskSwitch.checkTarget(cpu, tssSel);
        if (TaskSwitch.run(cpu, tssSel, tss, source, cpu.nextEip)) TaskSwitch.debugTrap(cpu);
    }

    private static void tss(Cpu cpu, int selector, long tss, int source) {
        checkGateAccess(cpu, selector, tss);
        if (TaskSwitch.run(cpu, selector, tss, source, cpu.nextEip)) TaskSwitch.debugTrap(cpu);
    }

    /**
     * RETF / RETF imm16 (SDM Vol. 2 RET): same privilege, or to an outer level popping
     * SS:ESP and nulling data segments the outer level may not use.
     */
    static void retf(Cpu cpu, Insn i) {
        int width = i.op32 ? 4 : 2;
        int release = i.opcode == 0xCA ? i.imm & 0xFFFF : 0;
        int eip = Stacks.peek(cpu, 0, width);
        int sel = Stacks.peek(cpu, width, width) & 0xFFFF;
        if (!cpu.isProtectedMode() || cpu.isV86()) {
            if (!i.op32) eip &= 0xFFFF;
            if (Integer.compareUnsigned(eip, realCodeLimit(cpu)) > 0) throw cpu.fault(Vectors.GP, 0);
            Segments.loadReal(cpu, Seg.CS, sel);
            cpu.adjustEsp(2 * width + release);
            jumpTo(cpu, eip);
            return;
        }
        long d = returnCode(cpu, sel);
        if (!i.op32) eip &= 0xFFFF;
        int rpl = sel & 3;
        if (rpl == cpu.cpl) {
            if (!Segments.withinLimit(d, eip)) throw cpu.fault(Vectors.GP, 0);
            Segments.loadCode(cpu, sel, d, rpl);
            cpu.adjustEsp(2 * width + release);
            jumpTo(cpu, eip);
            return;
        }
        int esp = Stacks.peek(cpu, 2 * width + release, width);
        int ssSel = Stacks.peek(cpu, 3 * width + release, width) & 0xFFFF;
        long ss = Segments.checkStack(cpu, ssSel, rpl, Vectors.GP);
        if (!Segments.withinLimit(d, eip)) throw cpu.fault(Vectors.GP, 0);
        toOuterLevel(cpu, sel, d, ssSel, ss, esp + release, eip);
    }

    /**
     * The return CS of RETF and IRET (SDM Vol. 2 RET): null #GP(0); not code, RPL < CPL,
     * conforming with DPL > RPL or non-conforming with DPL != RPL #GP(selector); absent #NP.
     */
    static long returnCode(Cpu cpu, int sel) {
        long d = targetDescriptor(cpu, sel);
        int err = sel & 0xFFFC, rpl = sel & 3, dpl = Descriptors.dpl(d);
        if (!Descriptors.isCode(d) || rpl < cpu.cpl) throw cpu.fault(Vectors.GP, err);
        if (Descriptors.conforming(d) ? dpl > rpl : dpl != rpl) throw cpu.fault(Vectors.GP, err);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
        return d;
    }

    /** Commits a return to the outer level RPL(CS): CS, SS:ESP, CPL, then data-segment nulling. */
    static void toOuterLevel(Cpu cpu, int csSel, long cs, int ssSel, long ss, int esp, int eip) {
        int rpl = csSel & 3;
        cs = Descriptors.setAccessed(cpu, csSel, cs);
        ss = Descriptors.setAccessed(cpu, ssSel, ss);
        Segments.loadCode(cpu, csSel, cs, rpl);
        cpu.setSegment(Seg.SS, ssSel, Descriptors.base(ss), Descriptors.limit(ss), Descriptors.accessRights(ss));
        if (Descriptors.big(ss)) cpu.r[Reg.ESP] = esp;
        else cpu.setReg16(Reg.ESP, esp);
        Segments.nullInaccessible(cpu);
        jumpTo(cpu, eip);
    }
}
