package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.OF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * SHLD and SHRD (SDM Vol. 2 SHLD, SHRD): the destination shifted with bits from the source
 * filling in. Count masked to 5 bits; 0 changes nothing. OF is defined for a count of 1 (a
 * sign change), AF undefined. For a 16-bit operand a count above 16 leaves result and flags
 * undefined; this model shifts the 48-bit pattern dest:src:dest, which is what a P6 does
 * (Bochs documents the same P6 behaviour), so bits of the destination re-enter. Other
 * processors differ there (the AMD host of the differential tests shifts dest:src:src and
 * clears CF), so those tests keep 16-bit counts at or below 16.
 */
final class DoubleShiftOps {
    private DoubleShiftOps() { }

    static void register(OpcodeTable t) {
        t.def(0x1A4, "shld", "Ev,Gv,Ib").exec(DoubleShiftOps::shldImm16, DoubleShiftOps::shldImm32).undefined(OF | AF).add();
        t.def(0x1A5, "shld", "Ev,Gv,CL").exec(DoubleShiftOps::shldCl16, DoubleShiftOps::shldCl32).undefined(OF | AF).add();
        t.def(0x1AC, "shrd", "Ev,Gv,Ib").exec(DoubleShiftOps::shrdImm16, DoubleShiftOps::shrdImm32).undefined(OF | AF).add();
        t.def(0x1AD, "shrd", "Ev,Gv,CL").exec(DoubleShiftOps::shrdCl16, DoubleShiftOps::shrdCl32).undefined(OF | AF).add();
    }

    static void shldImm16(Cpu cpu, Insn i) {
        run(cpu, i, true, 16, i.imm);
    }

    static void shldImm32(Cpu cpu, Insn i) {
        run(cpu, i, true, 32, i.imm);
    }

    static void shldCl16(Cpu cpu, Insn i) {
        run(cpu, i, true, 16, cpu.r[1]);
    }

    static void shldCl32(Cpu cpu, Insn i) {
        run(cpu, i, true, 32, cpu.r[1]);
    }

    static void shrdImm16(Cpu cpu, Insn i) {
        run(cpu, i, false, 16, i.imm);
    }

    static void shrdImm32(Cpu cpu, Insn i) {
        run(cpu, i, false, 32, i.imm);
    }

    static void shrdCl16(Cpu cpu, Insn i) {
        run(cpu, i, false, 16, cpu.r[1]);
    }

    static void shrdCl32(Cpu cpu, Insn i) {
        run(cpu, i, false, 32, cpu.r[1]);
    }

    private static void run(Cpu cpu, Insn i, boolean left, int width, int count) {
        count &= 0x1F;
        int s = Operand.reg(cpu, i.reg, width);
        if (i.mod == 3) {
            if (count == 0) return;
            long r = compute(left, Operand.reg(cpu, i.rm, width), s, count, width);
            Operand.setReg(cpu, i.rm, width, (int) r);
            ArithFlags.setAll(cpu, (int) (r >>> 32));
            return;
        }
        int lin = Rmw.linear(cpu, i, width >>> 3);
        int d = Operand.readLinear(cpu, lin, width);
        if (count == 0) return;
        long r = compute(left, d, s, count, width);
        Operand.writeLinear(cpu, lin, width, (int) r);
        ArithFlags.setAll(cpu, (int) (r >>> 32));
    }

    /** Result in the low 32 bits, the six arithmetic flags in the high 32; count 1..31. */
    static long compute(boolean left, int d, int s, int count, int width) {
        int res, cf;
        if (width == 32) {
            if (left) {
                res = (d << count) | (s >>> (32 - count));
                cf = (d >>> (32 - count)) & 1;
            } else {
                res = (d >>> count) | (s << (32 - count));
                cf = (d >>> (count - 1)) & 1;
            }
        } else {
            long x = (long) d << 32 | (long) s << 16 | d;
            if (left) {
                long y = x << count;
                res = (int) (y >>> 32) & 0xFFFF;
                cf = (int) (y >>> 48) & 1;
            } else {
                res = (int) (x >>> count) & 0xFFFF;
                cf = (int) (x >>> (count - 1)) & 1;
            }
        }
        int sign = 1 << (width - 1);
        int f = cf | ArithFlags.szp(res, sign);
        if (((res ^ d) & sign) != 0) f |= OF;
        return (long) f << 32 | (res & 0xFFFFFFFFL);
    }
}
