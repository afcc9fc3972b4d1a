package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.ARITH;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Multiply and divide (SDM Vol. 2 MUL, IMUL, DIV, IDIV). MUL and IMUL set CF = OF when the
 * high half is significant and leave SF ZF AF PF undefined (this model sets SF ZF PF from
 * the low half and clears AF). DIV and IDIV raise #DE for a zero divisor or a quotient that
 * does not fit, and leave all six flags undefined (this model leaves them unchanged).
 */
final class MulDivOps {
    private static final int MUL_UNDEFINED = SF | ZF | AF | PF;

    private MulDivOps() { }

    static void register(OpcodeTable t) {
        t.def(0xF6, 4, "mul", "Eb").exec(MulDivOps::mul8).undefined(MUL_UNDEFINED).add();
        t.def(0xF7, 4, "mul", "Ev").exec(MulDivOps::mul16, MulDivOps::mul32).undefined(MUL_UNDEFINED).add();
        t.def(0xF6, 5, "imul", "Eb").exec(MulDivOps::imul8).undefined(MUL_UNDEFINED).add();
        t.def(0xF7, 5, "imul", "Ev").exec(MulDivOps::imul16, MulDivOps::imul32).undefined(MUL_UNDEFINED).add();
        t.def(0xF6, 6, "div", "Eb").exec(MulDivOps::div8).undefined(ARITH).add();
        t.def(0xF7, 6, "div", "Ev").exec(MulDivOps::div16, MulDivOps::div32).undefined(ARITH).add();
        t.def(0xF6, 7, "idiv", "Eb").exec(MulDivOps::idiv8).undefined(ARITH).add();
        t.def(0xF7, 7, "idiv", "Ev").exec(MulDivOps::idiv16, MulDivOps::idiv32).undefined(ARITH).add();
        t.def(0x1AF, "imul", "Gv,Ev").exec(MulDivOps::imulGE16, MulDivOps::imulGE32).undefined(MUL_UNDEFINED).add();
        t.def(0x69, "imul", "Gv,Ev,Iz").exec(MulDivOps::imulGEI16, MulDivOps::imulGEI32).undefined(MUL_UNDEFINED).add();
        t.def(0x6B, "imul", "Gv,Ev,Ibs").exec(MulDivOps::imulGEI16, MulDivOps::imulGEI32).undefined(MUL_UNDEFINED).add();
    }

    /** CF = OF = {@code overflow}; SF ZF PF from the low half {@code low} of {@code width} bits. */
    private static void mulFlags(Cpu cpu, boolean overflow, int low, int signBit) {
        int f = overflow ? CF | OF : 0;
        if (low == 0) f |= ZF;
        if ((low & signBit) != 0) f |= SF;
        f |= ArithFlags.parity(low);
        ArithFlags.setAll(cpu, f);
    }

    // --- one-operand MUL/IMUL: AX / DX:AX / EDX:EAX ------------------------------------------

    static void mul8(Cpu cpu, Insn i) {
        int p = (cpu.r[0] & 0xFF) * cpu.readE8(i);
        cpu.setReg16(0, p);
        mulFlags(cpu, (p & 0xFF00) != 0, p & 0xFF, 0x80);
    }

    static void mul16(Cpu cpu, Insn i) {
        int p = (cpu.r[0] & 0xFFFF) * cpu.readE16(i); // fits in 32 bits unsigned
        cpu.setReg16(0, p);
        cpu.setReg16(2, p >>> 16);
        mulFlags(cpu, (p >>> 16) != 0, p & 0xFFFF, 0x8000);
    }

    static void mul32(Cpu cpu, Insn i) {
        long p = (cpu.r[0] & 0xFFFFFFFFL) * (cpu.readE32(i) & 0xFFFFFFFFL);
        cpu.r[0] = (int) p;
        cpu.r[2] = (int) (p >>> 32);
        mulFlags(cpu, (p >>> 32) != 0, (int) p, 0x80000000);
    }

    static void imul8(Cpu cpu, Insn i) {
        int p = (byte) cpu.r[0] * (byte) cpu.readE8(i);
        cpu.setReg16(0, p);
        mulFlags(cpu, p != (byte) p, p & 0xFF, 0x80);
    }

    static void imul16(Cpu cpu, Insn i) {
        int p = (short) cpu.r[0] * (short) cpu.readE16(i);
        cpu.setReg16(0, p);
        cpu.setReg16(2, p >>> 16);
        mulFlags(cpu, p != (short) p, p & 0xFFFF, 0x8000);
    }

    static void imul32(Cpu cpu, Insn i) {
        long p = (long) cpu.r[0] * cpu.readE32(i);
        cpu.r[0] = (int) p;
        cpu.r[2] = (int) (p >>> 32);
        mulFlags(cpu, p != (int) p, (int) p, 0x80000000);
    }

    // --- IMUL r, r/m [, imm] (0F AF, 69, 6B): truncated product in the register ------------

    static void imulGE16(Cpu cpu, Insn i) {
        int p = (short) cpu.r[i.reg] * (short) cpu.readE16(i);
        cpu.setReg16(i.reg, p);
        mulFlags(cpu, p != (short) p, p & 0xFFFF, 0x8000);
    }

    static void imulGE32(Cpu cpu, Insn i) {
        long p = (long) cpu.r[i.reg] * cpu.readE32(i);
        cpu.r[i.reg] = (int) p;
        mulFlags(cpu, p != (int) p, (int) p, 0x80000000);
    }

    static void imulGEI16(Cpu cpu, Insn i) {
        int p = (short) cpu.readE16(i) * (short) i.imm;
        cpu.setReg16(i.reg, p);
        mulFlags(cpu, p != (short) p, p & 0xFFFF, 0x8000);
    }

    static void imulGEI32(Cpu cpu, Insn i) {
        long p = (long) cpu.readE32(i) * i.imm;
        cpu.r[i.reg] = (int) p;
        mulFlags(cpu, p != (int) p, (int) p, 0x80000000);
    }

    // --- DIV/IDIV: #DE on a zero divisor or a quotient too wide (SDM Vol. 2 DIV, IDIV) -------

    static void div8(Cpu cpu, Insn i) {
        int d = cpu.readE8(i);
        int n = cpu.r[0] & 0xFFFF;
        if (d == 0 || n / d > 0xFF) throw cpu.fault(Vectors.DE);
        cpu.setReg16(0, (n % d) << 8 | n / d);
    }

    static void div16(Cpu cpu, Insn i) {
        long d = cpu.readE16(i);
        long n = (cpu.r[2] & 0xFFFFL) << 16 | (cpu.r[0] & 0xFFFF);
        if (d == 0 || n / d > 0xFFFF) throw cpu.fault(Vectors.DE);
        cpu.setReg16(0, (int) (n / d));
        cpu.setReg16(2, (int) (n % d));
    }

    static void div32(Cpu cpu, Insn i) {
        int d = cpu.readE32(i);
        int hi = cpu.r[2];
        // The quotient fits in 32 bits exactly when the high dword is below the divisor.
        if (d == 0 || Integer.compareUnsigned(hi, d) >= 0) throw cpu.fault(Vectors.DE);
        long n = (long) hi << 32 | (cpu.r[0] & 0xFFFFFFFFL);
        long ud = d & 0xFFFFFFFFL;
        cpu.r[0] = (int) Long.divideUnsigned(n, ud);
        cpu.r[2] = (int) Long.remainderUnsigned(n, ud);
    }

    static void idiv8(Cpu cpu, Insn i) {
        int d = (byte) cpu.readE8(i);
        int n = (short) cpu.r[0];
        if (d == 0) throw cpu.fault(Vectors.DE);
        int q = n / d;
        if (q != (byte) q) throw cpu.fault(Vectors.DE);
        cpu.setReg16(0, (n % d) << 8 | (q & 0xFF));
    }

    static void idiv16(Cpu cpu, Insn i) {
        int d = (short) cpu.readE16(i);
        int n = cpu.r[2] << 16 | (cpu.r[0] & 0xFFFF);
        if (d == 0) throw cpu.fault(Vectors.DE);
        long q = (long) n / d; // long: -2^31 / -1 must not wrap
        if (q != (short) q) throw cpu.fault(Vectors.DE);
        cpu.setReg16(0, (int) q);
        cpu.setReg16(2, n % d);
    }

    static void idiv32(Cpu cpu, Insn i) {
        long d = cpu.readE32(i);
        long n = (long) cpu.r[2] << 32 | (cpu.r[0] & 0xFFFFFFFFL);
        if (d == 0) throw cpu.fault(Vectors.DE);
        if (n == Long.MIN_VALUE && d == -1) throw cpu.fault(Vectors.DE);
        long q = n / d;
        if (q != (int) q) throw cpu.fault(Vectors.DE);
        cpu.r[0] = (int) q;
        cpu.r[2] = (int) (n % d);
    }
}
