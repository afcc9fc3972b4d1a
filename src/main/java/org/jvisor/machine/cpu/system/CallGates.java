package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Paging;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/**
 * CALL through a call gate (SDM Vol. 3A 5.8.3-5.8.5, Vol. 2 CALL): to the same level, or
 * to a more privileged non-conforming segment with a stack switch through the TSS and the
 * copying of the gate's parameter count of words or dwords. The gate's size (16 or 32
 * bits), not the instruction's, sets the size of everything pushed.
 */
final class CallGates {
    private CallGates() { }

    /** The code segment a gate names: null #GP(0); beyond the limit, not code or DPL > CPL #GP(selector). */
    static long targetCode(Cpu cpu, int target) {
        long d = FarOps.targetDescriptor(cpu, target);
        if (!Descriptors.isCode(d) || Descriptors.dpl(d) > cpu.cpl) throw cpu.fault(Vectors.GP, target & 0xFFFC);
        return d;
    }

    static void call(Cpu cpu, int selector, long gate) {
        FarOps.checkGateAccess(cpu, selector, gate);
        int target = Descriptors.gateSelector(gate);
        long d = targetCode(cpu, target);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, target & 0xFFFC);
        int width = (Descriptors.type(gate) & 8) != 0 ? 4 : 2;
        int offset = Descriptors.gateOffset(gate);
        if (!Descriptors.conforming(d) && Descriptors.dpl(d) < cpu.cpl) {
            toInnerLevel(cpu, gate, target, d, width, offset);
            return;
        }
        Stacks.checkCurrent(cpu, 2, width);
        if (!Segments.withinLimit(d, offset)) throw cpu.fault(Vectors.GP, 0);
        d = Descriptors.setAccessed(cpu, target, d);
        FarOps.pushReturn(cpu, width);
        Segments.loadCode(cpu, target, d, cpu.cpl);
        cpu.nextEip = offset;
        cpu.endBlock = true;
    }

    /**
     * More privileged call (SDM 5.8.5, Figure 5-13): new SS:ESP from the TSS, checked as
     * #TS; push old SS, old ESP, the parameters, old CS, return EIP.
     */
    private static void toInnerLevel(Cpu cpu, long gate, int target, long d, int width, int offset) {
        int newCpl = Descriptors.dpl(d);
        long stack = Tss.innerStack(cpu, newCpl);
        int ssSel = (int) (stack >>> 32), esp = (int) stack;
        long ss = Segments.checkStack(cpu, ssSel, newCpl, Vectors.TS);
        int params = Descriptors.gateParams(gate);
        int ssAr = Descriptors.accessRights(ss), ssBase = Descriptors.base(ss);
        int count = 4 + params;
        Stacks.checkRoom(cpu, Descriptors.limit(ss), ssAr, esp, count, width, Vectors.SS, ssSel & 0xFFFC);
        if (!Segments.withinLimit(d, offset)) throw cpu.fault(Vectors.GP, 0);
        int access = newCpl == 3 ? Paging.USER : 0;
        Stacks.put(cpu, ssBase, ssAr, esp, 1, width, cpu.segSel[Seg.SS], access);
        Stacks.put(cpu, ssBase, ssAr, esp, 2, width, cpu.r[Reg.ESP], access);
        // Parameters keep their order: the deepest one on the old stack is pushed first.
        for (int k = 0; k < params; k++) {
            int value = Stacks.peek(cpu, (params - 1 - k) * width, width);
            Stacks.put(cpu, ssBase, ssAr, esp, 3 + k, width, value, access);
        }
        Stacks.put(cpu, ssBase, ssAr, esp, 3 + params, width, cpu.segSel[Seg.CS], access);
        Stacks.put(cpu, ssBase, ssAr, esp, 4 + params, width, cpu.nextEip, access);
        ss = Descriptors.setAccessed(cpu, ssSel, ss);
        d = Descriptors.setAccessed(cpu, target, d);
        cpu.setSegment(Seg.SS, ssSel, ssBase, Descriptors.limit(ss), ssAr);
        cpu.r[Reg.ESP] = Stacks.espAfter(esp, ssAr, count * width);
        Segments.loadCode(cpu, target, d, newCpl);
        cpu.nextEip = offset;
        cpu.endBlock = true;
    }
}
