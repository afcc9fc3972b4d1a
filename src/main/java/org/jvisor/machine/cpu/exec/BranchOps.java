package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Near control transfers (SDM Vol. 2 JMP, Jcc, JCXZ, LOOP, CALL, RET). The operand size
 * sets the EIP width (a 16-bit form truncates the target to 16 bits); the target is
 * checked against the CS limit, #GP(0), before anything is pushed or changed.
 * Software interrupts and BOUND are in {@link InterruptOps}.
 */
public final class BranchOps {
    private static final int JUMP = Entry.BRANCH | Entry.ENDS_BLOCK;
    /** Near CALL/RET push or pop the return address: their width changes in 64-bit mode. */
    private static final int STACK_JUMP = JUMP | StackOps.STACK;

    private BranchOps() { }

    public static void register(OpcodeTable t) {
        t.def(0xEB, "jmp", "Jb").exec(BranchOps::jmpRel).attrs(JUMP).add();
        t.def(0xE9, "jmp", "Jz").exec(BranchOps::jmpRel).attrs(JUMP).add();
        for (int cc = 0; cc < 16; cc++) {
            t.def(0x70 + cc, "j" + CC_NAMES[cc], "Jb").exec(BranchOps::jcc).attrs(JUMP).add();
            t.def(0x180 + cc, "j" + CC_NAMES[cc], "Jz").exec(BranchOps::jcc).attrs(JUMP).add();
        }
        t.def(0xE0, "loopne", "Jb").exec(BranchOps::loopne).attrs(JUMP).add();
        t.def(0xE1, "loope", "Jb").exec(BranchOps::loope).attrs(JUMP).add();
        t.def(0xE2, "loop", "Jb").exec(BranchOps::loop).attrs(JUMP).add();
        t.def(0xE3, "jcxz", "Jb").exec(BranchOps::jcxz).attrs(JUMP).add();
        t.def(0xE8, "call", "Jz").exec(BranchOps::callRel).attrs(STACK_JUMP).add();
        t.def(0xFF, 2, "call", "Ev").exec(BranchOps::callEv16, BranchOps::callEv32).attrs(STACK_JUMP).add();
        t.def(0xFF, 4, "jmp", "Ev").exec(BranchOps::jmpEv16, BranchOps::jmpEv32).attrs(JUMP).add();
        t.def(0xC3, "ret", "").exec(BranchOps::ret).attrs(STACK_JUMP).add();
        t.def(0xC2, "ret", "Iw").exec(BranchOps::ret).attrs(STACK_JUMP).add();
        InterruptOps.register(t);
    }

    private static final String[] CC_NAMES = {
        "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

    /** The relative target: fall-through plus displacement, 16 bits wide with a 16-bit operand size. */
    private static int relative(Cpu cpu, Insn i) {
        int t = cpu.nextEip + i.imm;
        return i.op32 ? t : t & 0xFFFF;
    }

    /** Sets the next EIP after the CS limit check (SDM: "IF tempEIP is not within code segment limit THEN #GP(0)"). */
    private static void jumpTo(Cpu cpu, int target) {
        checkTarget(cpu, target);
        cpu.nextEip = target;
    }

    private static void checkTarget(Cpu cpu, int target) {
        if (Integer.compareUnsigned(target, cpu.segLimit[Seg.CS]) > 0) throw cpu.fault(Vectors.GP, 0);
    }

    static void jmpRel(Cpu cpu, Insn i) {
        jumpTo(cpu, relative(cpu, i));
    }

    /** Jcc: the condition is the low opcode nibble (SDM Vol. 1 Appendix B). */
    static void jcc(Cpu cpu, Insn i) {
        if (cpu.condition(i.opcode & 0xF)) jumpTo(cpu, relative(cpu, i));
    }

    /** JCXZ/JECXZ: the address size picks CX or ECX. */
    static void jcxz(Cpu cpu, Insn i) {
        int count = i.addr32 ? cpu.r[Reg.ECX] : cpu.r[Reg.ECX] & 0xFFFF;
        if (count == 0) jumpTo(cpu, relative(cpu, i));
    }

    static void loop(Cpu cpu, Insn i) {
        loopIf(cpu, i, true);
    }

    /** LOOPE/LOOPZ: continue while the count is non-zero and ZF = 1. */
    static void loope(Cpu cpu, Insn i) {
        loopIf(cpu, i, cpu.flag(org.jvisor.machine.cpu.Flags.ZF));
    }

    static void loopne(Cpu cpu, Insn i) {
        loopIf(cpu, i, !cpu.flag(org.jvisor.machine.cpu.Flags.ZF));
    }

    /**
     * SDM LOOP: decrement CX or ECX (address size) and branch if it is non-zero and the
     * condition holds. The count is written only after the target passed its limit check.
     */
    private static void loopIf(Cpu cpu, Insn i, boolean condition) {
        int count = cpu.r[Reg.ECX] - 1;
        if (!i.addr32) count &= 0xFFFF;
        if (count != 0 && condition) jumpTo(cpu, relative(cpu, i));
        if (i.addr32) cpu.r[Reg.ECX] = count;
        else cpu.setReg16(Reg.ECX, count);
    }

    // --- CALL/RET -------------------------------------------------------------------------

    /** SDM CALL (near relative): check the target, push the return address, jump. */
    static void callRel(Cpu cpu, Insn i) {
        callTo(cpu, relative(cpu, i), i.op32);
    }

    /** FF /2: the target is read (with ESP before the push) and zero-extended for the 16-bit form. */
    static void callEv16(Cpu cpu, Insn i) {
        callTo(cpu, cpu.readE16(i), false);
    }

    static void callEv32(Cpu cpu, Insn i) {
        callTo(cpu, cpu.readE32(i), true);
    }

    private static void callTo(Cpu cpu, int target, boolean op32) {
        checkTarget(cpu, target);
        if (op32) cpu.push32(cpu.nextEip);
        else cpu.push16(cpu.nextEip);
        cpu.nextEip = target;
    }

    static void jmpEv16(Cpu cpu, Insn i) {
        jumpTo(cpu, cpu.readE16(i));
    }

    static void jmpEv32(Cpu cpu, Insn i) {
        jumpTo(cpu, cpu.readE32(i));
    }

    /**
     * SDM RET (near): read the return address, check it against the CS limit, then pop it
     * and release imm16 more bytes (opcode C2). ESP does not move if either check fails.
     */
    static void ret(Cpu cpu, Insn i) {
        int top = cpu.stackTop();
        int target = i.op32 ? cpu.read32(Seg.SS, top) : cpu.read16(Seg.SS, top);
        checkTarget(cpu, target);
        int release = i.opcode == 0xC2 ? i.imm & 0xFFFF : 0;
        cpu.adjustEsp((i.op32 ? 4 : 2) + release);
        cpu.nextEip = target;
    }
}
