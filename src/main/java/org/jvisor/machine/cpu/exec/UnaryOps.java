package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.AF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.LazyFlags;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * One-operand arithmetic: INC and DEC (SDM Vol. 2 INC, DEC: CF kept), NOT (no flags), NEG
 * (CF = source != 0), and TEST with an immediate from groups F6/F7 (/1 is an undocumented
 * alias of /0 that the P6 executes).
 */
final class UnaryOps {
    private static final int INC8 = LazyFlags.INC << 2 | LazyFlags.W8, INC16 = LazyFlags.INC << 2 | LazyFlags.W16;
    private static final int INC32 = LazyFlags.INC << 2 | LazyFlags.W32;
    private static final int DEC8 = LazyFlags.DEC << 2 | LazyFlags.W8, DEC16 = LazyFlags.DEC << 2 | LazyFlags.W16;
    private static final int DEC32 = LazyFlags.DEC << 2 | LazyFlags.W32;
    private static final int NEG8 = LazyFlags.NEG << 2 | LazyFlags.W8, NEG16 = LazyFlags.NEG << 2 | LazyFlags.W16;
    private static final int NEG32 = LazyFlags.NEG << 2 | LazyFlags.W32;

    private UnaryOps() { }

    static void register(OpcodeTable t) {
        for (int n = 0; n < 8; n++) {
            t.def(0x40 + n, "inc", "Zv").exec(UnaryOps::incReg16, UnaryOps::incReg32).attrs(Entry.NOT_IN_LONG_MODE).add();
            t.def(0x48 + n, "dec", "Zv").exec(UnaryOps::decReg16, UnaryOps::decReg32).attrs(Entry.NOT_IN_LONG_MODE).add();
        }
        t.def(0xFE, 0, "inc", "Eb").exec(UnaryOps::inc8).attrs(Entry.LOCKABLE).add();
        t.def(0xFE, 1, "dec", "Eb").exec(UnaryOps::dec8).attrs(Entry.LOCKABLE).add();
        t.def(0xFF, 0, "inc", "Ev").exec(UnaryOps::inc16, UnaryOps::inc32).attrs(Entry.LOCKABLE).add();
        t.def(0xFF, 1, "dec", "Ev").exec(UnaryOps::dec16, UnaryOps::dec32).attrs(Entry.LOCKABLE).add();
        for (int reg = 0; reg < 2; reg++) {
            t.def(0xF6, reg, "test", "Eb,Ib").exec(UnaryOps::testEI8).undefined(AF).add();
            t.def(0xF7, reg, "test", "Ev,Iz").exec(UnaryOps::testEI16, UnaryOps::testEI32).undefined(AF).add();
        }
        t.def(0xF6, 2, "not", "Eb").exec(UnaryOps::not8).attrs(Entry.LOCKABLE).add();
        t.def(0xF7, 2, "not", "Ev").exec(UnaryOps::not16, UnaryOps::not32).attrs(Entry.LOCKABLE).add();
        t.def(0xF6, 3, "neg", "Eb").exec(UnaryOps::neg8).attrs(Entry.LOCKABLE).add();
        t.def(0xF7, 3, "neg", "Ev").exec(UnaryOps::neg16, UnaryOps::neg32).attrs(Entry.LOCKABLE).add();
        MulDivOps.register(t);
    }

    // --- INC/DEC r16/r32 (40+r, 48+r) ------------------------------------------------------------

    static void incReg16(Cpu cpu, Insn i) {
        int n = i.opcode & 7, a = cpu.r[n] & 0xFFFF, res = a + 1;
        cpu.r[n] = (cpu.r[n] & 0xFFFF0000) | (res & 0xFFFF);
        cpu.setLazy(INC16, a, 1, res);
    }

    static void incReg32(Cpu cpu, Insn i) {
        int n = i.opcode & 7, a = cpu.r[n], res = a + 1;
        cpu.r[n] = res;
        cpu.setLazy(INC32, a, 1, res);
    }

    static void decReg16(Cpu cpu, Insn i) {
        int n = i.opcode & 7, a = cpu.r[n] & 0xFFFF, res = a - 1;
        cpu.r[n] = (cpu.r[n] & 0xFFFF0000) | (res & 0xFFFF);
        cpu.setLazy(DEC16, a, 1, res);
    }

    static void decReg32(Cpu cpu, Insn i) {
        int n = i.opcode & 7, a = cpu.r[n], res = a - 1;
        cpu.r[n] = res;
        cpu.setLazy(DEC32, a, 1, res);
    }

    // --- INC/DEC/NOT/NEG on E ------------------------------------------------------------------

    static void inc8(Cpu cpu, Insn i) {
        unary8(cpu, i, INC8, 1);
    }

    static void dec8(Cpu cpu, Insn i) {
        unary8(cpu, i, DEC8, -1);
    }

    static void inc16(Cpu cpu, Insn i) {
        unary16(cpu, i, INC16, 1);
    }

    static void dec16(Cpu cpu, Insn i) {
        unary16(cpu, i, DEC16, -1);
    }

    static void inc32(Cpu cpu, Insn i) {
        unary32(cpu, i, INC32, 1);
    }

    static void dec32(Cpu cpu, Insn i) {
        unary32(cpu, i, DEC32, -1);
    }

    static void neg8(Cpu cpu, Insn i) {
        unary8(cpu, i, NEG8, 0);
    }

    static void neg16(Cpu cpu, Insn i) {
        unary16(cpu, i, NEG16, 0);
    }

    static void neg32(Cpu cpu, Insn i) {
        unary32(cpu, i, NEG32, 0);
    }

    static void not8(Cpu cpu, Insn i) {
        unary8(cpu, i, LazyFlags.NONE, 0);
    }

    static void not16(Cpu cpu, Insn i) {
        unary16(cpu, i, LazyFlags.NONE, 0);
    }

    static void not32(Cpu cpu, Insn i) {
        unary32(cpu, i, LazyFlags.NONE, 0);
    }

    /** The result of INC (+1), DEC (-1), NEG or NOT (lazy kind NONE: no flags). */
    private static int apply(int lazy, int delta, int a) {
        if (lazy == LazyFlags.NONE) return ~a;
        return delta == 0 ? -a : a + delta;
    }

    private static void flags(Cpu cpu, int lazy, int delta, int a, int res) {
        if (lazy == LazyFlags.NONE) return;
        if (delta == 0) cpu.setLazy(lazy, 0, a, res);
        else cpu.setLazy(lazy, a, 1, res);
    }

    private static void unary8(Cpu cpu, Insn i, int lazy, int delta) {
        if (i.mod == 3) {
            int a = cpu.reg8(i.rm), res = apply(lazy, delta, a);
            cpu.setReg8(i.rm, res);
            flags(cpu, lazy, delta, a, res);
        } else {
            int lin = Rmw.linear(cpu, i, 1);
            int a = Rmw.read8(cpu, lin), res = apply(lazy, delta, a);
            Rmw.write8(cpu, lin, res);
            flags(cpu, lazy, delta, a, res);
        }
    }

    private static void unary16(Cpu cpu, Insn i, int lazy, int delta) {
        if (i.mod == 3) {
            int a = cpu.r[i.rm] & 0xFFFF, res = apply(lazy, delta, a);
            cpu.r[i.rm] = (cpu.r[i.rm] & 0xFFFF0000) | (res & 0xFFFF);
            flags(cpu, lazy, delta, a, res);
        } else {
            int lin = Rmw.linear(cpu, i, 2);
            int a = Rmw.read16(cpu, lin), res = apply(lazy, delta, a);
            Rmw.write16(cpu, lin, res);
            flags(cpu, lazy, delta, a, res);
        }
    }

    private static void unary32(Cpu cpu, Insn i, int lazy, int delta) {
        if (i.mod == 3) {
            int a = cpu.r[i.rm], res = apply(lazy, delta, a);
            cpu.r[i.rm] = res;
            flags(cpu, lazy, delta, a, res);
        } else {
            int lin = Rmw.linear(cpu, i, 4);
            int a = Rmw.read32(cpu, lin), res = apply(lazy, delta, a);
            Rmw.write32(cpu, lin, res);
            flags(cpu, lazy, delta, a, res);
        }
    }

    // --- TEST E,imm (F6/F7 /0 and /1) -----------------------------------------------------------

    static void testEI8(Cpu cpu, Insn i) {
        int res = cpu.readE8(i) & i.imm & 0xFF;
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W8, res, res, res);
    }

    static void testEI16(Cpu cpu, Insn i) {
        int res = cpu.readE16(i) & i.imm & 0xFFFF;
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W16, res, res, res);
    }

    static void testEI32(Cpu cpu, Insn i) {
        int res = cpu.readE32(i) & i.imm;
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W32, res, res, res);
    }
}
