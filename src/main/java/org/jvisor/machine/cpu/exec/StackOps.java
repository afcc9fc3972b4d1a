package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.CpuFault;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;
import org.jvisor.machine.cpu.system.Segments;

/**
 * Stack instructions (SDM Vol. 2 PUSH, POP, PUSHA, POPA, ENTER, LEAVE). The operand size
 * picks the slot width, SS.B the stack-pointer width (SDM Vol. 1 6.2.3). PUSHF/POPF live
 * in {@link FlagStackOps}.
 */
public final class StackOps {
    /** 64-bit mode widens every push and pop, so the differential tests use qemu-i386. */
    static final int STACK = Entry.NOT_IN_LONG_MODE;

    private StackOps() { }

    public static void register(OpcodeTable t) {
        for (int n = 0; n < 8; n++) {
            t.def(0x50 + n, "push", "Zv").exec(StackOps::pushReg16, StackOps::pushReg32).attrs(STACK).add();
            t.def(0x58 + n, "pop", "Zv").exec(StackOps::popReg16, StackOps::popReg32).attrs(STACK).add();
        }
        t.def(0x68, "push", "Iz").exec(StackOps::pushImm16, StackOps::pushImm32).attrs(STACK).add();
        t.def(0x6A, "push", "Ibs").exec(StackOps::pushImm16, StackOps::pushImm32).attrs(STACK).add();
        t.def(0x8F, 0, "pop", "Ev").exec(StackOps::popEv16, StackOps::popEv32).attrs(STACK).add();
        t.def(0xFF, 6, "push", "Ev").exec(StackOps::pushEv16, StackOps::pushEv32).attrs(STACK).add();
        t.def(0x60, "pusha", "").exec(StackOps::pusha16, StackOps::pusha32).attrs(STACK).add();
        t.def(0x61, "popa", "").exec(StackOps::popa16, StackOps::popa32).attrs(STACK).add();
        t.def(0xC8, "enter", "Iw,Ib").exec(StackOps::enter16, StackOps::enter32).attrs(STACK).add();
        t.def(0xC9, "leave", "").exec(StackOps::leave16, StackOps::leave32).attrs(STACK).add();
        registerSegments(t);
        FlagStackOps.register(t);
    }

    /** PUSH/POP of segment registers. PUSH CS/SS reveal the RPL (= CPL): sensitive. */
    private static void registerSegments(OpcodeTable t) {
        int[] pushes = {0x06, 0x0E, 0x16, 0x1E, 0x1A0, 0x1A8};
        String[] names = {"ES", "CS", "SS", "DS", "FS", "GS"};
        for (int k = 0; k < pushes.length; k++) {
            int seg = segmentOf(pushes[k]);
            int attrs = STACK | (seg == Seg.CS || seg == Seg.SS ? Entry.SENSITIVE : 0);
            t.def(pushes[k], "push", names[k]).exec(StackOps::pushSeg16, StackOps::pushSeg32).attrs(attrs).add();
            if (seg == Seg.CS) continue; // 0F is the two-byte escape: no POP CS after the 8086
            t.def(pushes[k] + 1, "pop", names[k]).exec(StackOps::popSeg16, StackOps::popSeg32).attrs(STACK).add();
        }
    }

    /** The segment register a push/pop-segment opcode names: 06/0E/16/1E by bits 3-4, 0F A0/A8 FS/GS. */
    static int segmentOf(int opcode) {
        return opcode < 0x100 ? (opcode >>> 3) & 3 : Seg.FS + ((opcode >>> 3) & 1);
    }

    // --- PUSH/POP general registers and immediates ------------------------------------------

    /** PUSH ESP pushes the value before the push (SDM PUSH, IA-32 since the 286). */
    static void pushReg16(Cpu cpu, Insn i) {
        cpu.push16(cpu.r[i.opcode & 7]);
    }

    static void pushReg32(Cpu cpu, Insn i) {
        cpu.push32(cpu.r[i.opcode & 7]);
    }

    /** POP ESP: the stack pointer is incremented first, then loaded with the popped value. */
    static void popReg16(Cpu cpu, Insn i) {
        int v = cpu.pop16();
        cpu.setReg16(i.opcode & 7, v);
    }

    static void popReg32(Cpu cpu, Insn i) {
        int v = cpu.pop32();
        cpu.r[i.opcode & 7] = v;
    }

    static void pushImm16(Cpu cpu, Insn i) {
        cpu.push16(i.imm);
    }

    static void pushImm32(Cpu cpu, Insn i) {
        cpu.push32(i.imm);
    }

    /** FF /6: an ESP-based operand address uses ESP before the push. */
    static void pushEv16(Cpu cpu, Insn i) {
        cpu.push16(cpu.readE16(i));
    }

    static void pushEv32(Cpu cpu, Insn i) {
        cpu.push32(cpu.readE32(i));
    }

    /**
     * 8F /0 (SDM POP): an ESP-based destination address is computed after ESP is incremented;
     * if the store faults, ESP is restored so the instruction can restart.
     */
    static void popEv16(Cpu cpu, Insn i) {
        int v = cpu.read16(Seg.SS, cpu.stackTop());
        int oldEsp = cpu.r[Reg.ESP];
        cpu.adjustEsp(2);
        try {
            cpu.writeE16(i, v);
        } catch (CpuFault f) {
            cpu.r[Reg.ESP] = oldEsp;
            throw f;
        }
    }

    static void popEv32(Cpu cpu, Insn i) {
        int v = cpu.read32(Seg.SS, cpu.stackTop());
        int oldEsp = cpu.r[Reg.ESP];
        cpu.adjustEsp(4);
        try {
            cpu.writeE32(i, v);
        } catch (CpuFault f) {
            cpu.r[Reg.ESP] = oldEsp;
            throw f;
        }
    }

    // --- PUSHA/POPA -----------------------------------------------------------------------

    /** SDM PUSHA: EAX ECX EDX EBX (original ESP) EBP ESI EDI; all eight slots checked first. */
    static void pusha16(Cpu cpu, Insn i) {
        pushAll(cpu, false);
    }

    static void pusha32(Cpu cpu, Insn i) {
        pushAll(cpu, true);
    }

    private static void pushAll(Cpu cpu, boolean op32) {
        int size = op32 ? 4 : 2;
        int top = cpu.stackTop(), m = StackArea.mask(cpu);
        StackArea.checkPushes(cpu, top, 8, size);
        for (int k = 0; k < 8; k++) {
            StackArea.write(cpu, (top - (k + 1) * size) & m, cpu.r[k], op32); // r[ESP] still the original
        }
        StackArea.setTop(cpu, (top - 8 * size) & m);
    }

    /** SDM POPA: EDI ESI EBP (ESP slot skipped) EBX EDX ECX EAX; every read before any write. */
    static void popa16(Cpu cpu, Insn i) {
        popAll(cpu, false);
    }

    static void popa32(Cpu cpu, Insn i) {
        popAll(cpu, true);
    }

    private static void popAll(Cpu cpu, boolean op32) {
        int size = op32 ? 4 : 2;
        int top = cpu.stackTop(), m = StackArea.mask(cpu);
        int di = StackArea.read(cpu, top, op32);
        int si = StackArea.read(cpu, (top + size) & m, op32);
        int bp = StackArea.read(cpu, (top + 2 * size) & m, op32);
        int bx = StackArea.read(cpu, (top + 4 * size) & m, op32);
        int dx = StackArea.read(cpu, (top + 5 * size) & m, op32);
        int cx = StackArea.read(cpu, (top + 6 * size) & m, op32);
        int ax = StackArea.read(cpu, (top + 7 * size) & m, op32);
        setReg(cpu, Reg.EDI, di, op32);
        setReg(cpu, Reg.ESI, si, op32);
        setReg(cpu, Reg.EBP, bp, op32);
        setReg(cpu, Reg.EBX, bx, op32);
        setReg(cpu, Reg.EDX, dx, op32);
        setReg(cpu, Reg.ECX, cx, op32);
        setReg(cpu, Reg.EAX, ax, op32);
        StackArea.setTop(cpu, (top + 8 * size) & m);
    }

    private static void setReg(Cpu cpu, int reg, int v, boolean op32) {
        if (op32) cpu.r[reg] = v;
        else cpu.setReg16(reg, v);
    }

    // --- ENTER/LEAVE ----------------------------------------------------------------------

    static void enter16(Cpu cpu, Insn i) {
        enter(cpu, i.imm & 0xFFFF, i.imm2 & 31, false);
    }

    static void enter32(Cpu cpu, Insn i) {
        enter(cpu, i.imm & 0xFFFF, i.imm2 & 31, true);
    }

    /**
     * SDM ENTER: push EBP, copy level-1 frame pointers from the old frame (SS:[EBP-k*size],
     * EBP as a scratch copy), push the new frame pointer, then allocate. Everything is checked
     * first, including the final stack pointer (the #SS "new value of ESP outside the limit"
     * case, which P6 detects by probing the new top of stack for a write).
     */
    private static void enter(Cpu cpu, int alloc, int level, boolean op32) {
        int size = op32 ? 4 : 2;
        int top = cpu.stackTop(), m = StackArea.mask(cpu);
        int pushes = level == 0 ? 1 : level + 1;
        int bp = cpu.r[Reg.EBP];
        StackArea.checkPushes(cpu, top, pushes, size);
        for (int k = 1; k < level; k++) StackArea.checkSlot(cpu, (bp - k * size) & m, size, false);
        int finalTop = (top - pushes * size - alloc) & m;
        StackArea.checkSlot(cpu, finalTop, size, true);

        int off = (top - size) & m;
        StackArea.write(cpu, off, bp, op32);
        // FrameTemp: ESP (SP for a 16-bit stack, upper ESP kept) after pushing EBP.
        int frameTemp = cpu.stack32() ? off : (cpu.r[Reg.ESP] & 0xFFFF0000) | off;
        if (level > 0) {
            for (int k = 1; k < level; k++) {
                int v = StackArea.read(cpu, (bp - k * size) & m, op32);
                off = (off - size) & m;
                StackArea.write(cpu, off, v, op32);
            }
            off = (off - size) & m;
            StackArea.write(cpu, off, frameTemp, op32);
        }
        setReg(cpu, Reg.EBP, frameTemp, op32);
        StackArea.setTop(cpu, finalTop);
    }

    /** SDM LEAVE: ESP (SP for a 16-bit stack) = EBP, then pop EBP; nothing changes if the pop faults. */
    static void leave16(Cpu cpu, Insn i) {
        leave(cpu, false);
    }

    static void leave32(Cpu cpu, Insn i) {
        leave(cpu, true);
    }

    private static void leave(Cpu cpu, boolean op32) {
        int m = StackArea.mask(cpu);
        int top = cpu.r[Reg.EBP] & m;
        int v = StackArea.read(cpu, top, op32);
        StackArea.setTop(cpu, (top + (op32 ? 4 : 2)) & m);
        setReg(cpu, Reg.EBP, v, op32);
    }

    // --- segment registers ----------------------------------------------------------------

    static void pushSeg16(Cpu cpu, Insn i) {
        cpu.push16(cpu.segSel[segmentOf(i.opcode)]);
    }

    /**
     * 32-bit operand size: a P6 moves ESP by 4 but writes only the 16-bit selector, leaving
     * the upper half of the slot unchanged (SDM PUSH, note on segment registers).
     */
    static void pushSeg32(Cpu cpu, Insn i) {
        int off = (cpu.stackTop() - 4) & StackArea.mask(cpu);
        cpu.write16(Seg.SS, off, cpu.segSel[segmentOf(i.opcode)]);
        StackArea.setTop(cpu, off);
    }

    static void popSeg16(Cpu cpu, Insn i) {
        popSeg(cpu, i, false);
    }

    static void popSeg32(Cpu cpu, Insn i) {
        popSeg(cpu, i, true);
    }

    /**
     * SDM POP (segment register): the selector is loaded through the segment checks before
     * ESP moves, and ESP moves by the old SS.B even when SS itself is loaded. POP SS holds
     * off interrupts and debug traps for one instruction (SDM 6.8.3).
     */
    private static void popSeg(Cpu cpu, Insn i, boolean op32) {
        int seg = segmentOf(i.opcode);
        int top = cpu.stackTop();
        int selector = StackArea.read(cpu, top, op32) & 0xFFFF;
        int newTop = (top + (op32 ? 4 : 2)) & StackArea.mask(cpu);
        int newEsp = cpu.stack32() ? newTop : (cpu.r[Reg.ESP] & 0xFFFF0000) | newTop;
        Segments.load(cpu, seg, selector);
        cpu.r[Reg.ESP] = newEsp;
        if (seg == Seg.SS) {
            cpu.interruptShadow = true;
            cpu.endBlock = true; // the run loop then steps the next instruction inside the shadow
        }
    }
}
