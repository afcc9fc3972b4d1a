package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Shifts and rotates, groups C0 C1 D0 D1 D2 D3 (SDM Vol. 2 RCL/RCR/ROL/ROR and
 * SAL/SAR/SHL/SHR). The count is masked to 5 bits; a masked count of 0 changes nothing.
 * ROL/ROR rotate by count mod width but still set CF when the masked count is non-zero;
 * RCL/RCR rotate through CF by count mod 9 (8-bit) or 17 (16-bit). OF is defined only for
 * a count of 1 (this model applies the count-1 formula to every count); shifts leave AF
 * undefined (cleared here). SHL/SHR counts of at least the operand width shift everything
 * out; the SDM leaves CF undefined then, and this model gives the last bit shifted out of
 * the zero-extended value (the differential tests show the host CPU agrees).
 */
public final class ShiftOps {
    static final int ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;
    private static final String[] NAMES = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};

    private ShiftOps() { }

    public static void register(OpcodeTable t) {
        for (int op = 0; op < 8; op++) {
            String n = NAMES[op];
            // Rotates leave AF alone; shifts leave it undefined. OF is undefined unless the count is 1.
            int one = op >= SHL ? AF : 0;
            int many = one | OF;
            t.def(0xC0, op, n, "Eb,Ib").exec(ShiftOps::byImm8).undefined(many).add();
            t.def(0xC1, op, n, "Ev,Ib").exec(ShiftOps::byImm16, ShiftOps::byImm32).undefined(many).add();
            t.def(0xD0, op, n, "Eb,1").exec(ShiftOps::byOne8).undefined(one).add();
            t.def(0xD1, op, n, "Ev,1").exec(ShiftOps::byOne16, ShiftOps::byOne32).undefined(one).add();
            t.def(0xD2, op, n, "Eb,CL").exec(ShiftOps::byCl8).undefined(many).add();
            t.def(0xD3, op, n, "Ev,CL").exec(ShiftOps::byCl16, ShiftOps::byCl32).undefined(many).add();
        }
        DoubleShiftOps.register(t);
    }

    static void byImm8(Cpu cpu, Insn i) {
        shift(cpu, i, 8, i.imm);
    }

    static void byImm16(Cpu cpu, Insn i) {
        shift(cpu, i, 16, i.imm);
    }

    static void byImm32(Cpu cpu, Insn i) {
        shift(cpu, i, 32, i.imm);
    }

    static void byOne8(Cpu cpu, Insn i) {
        shift(cpu, i, 8, 1);
    }

    static void byOne16(Cpu cpu, Insn i) {
        shift(cpu, i, 16, 1);
    }

    static void byOne32(Cpu cpu, Insn i) {
        shift(cpu, i, 32, 1);
    }

    static void byCl8(Cpu cpu, Insn i) {
        shift(cpu, i, 8, cpu.r[1]);
    }

    static void byCl16(Cpu cpu, Insn i) {
        shift(cpu, i, 16, cpu.r[1]);
    }

    static void byCl32(Cpu cpu, Insn i) {
        shift(cpu, i, 32, cpu.r[1]);
    }

    /** Reads the operand (register or read-modify-write memory), shifts, writes back, then flags. */
    private static void shift(Cpu cpu, Insn i, int width, int count) {
        count &= 0x1F;
        if (i.mod == 3) {
            if (count == 0) return;
            int v = Operand.reg(cpu, i.rm, width);
            long r = compute(i.reg, v, count, width, cpu);
            Operand.setReg(cpu, i.rm, width, (int) r);
            ArithFlags.setAll(cpu, (int) (r >>> 32));
            return;
        }
        int lin = Rmw.linear(cpu, i, width >>> 3);
        int v = Operand.readLinear(cpu, lin, width);
        if (count == 0) return; // the operand is still read (and may fault)
        long r = compute(i.reg, v, count, width, cpu);
        Operand.writeLinear(cpu, lin, width, (int) r);
        ArithFlags.setAll(cpu, (int) (r >>> 32));
    }

    /**
     * One shift or rotate of a {@code width}-bit value {@code v} (zero-extended) by a masked,
     * non-zero {@code count}. Returns the result in the low 32 bits and the new six
     * arithmetic flags in the high 32.
     */
    static long compute(int op, int v, int count, int width, Cpu cpu) {
        int sign = 1 << (width - 1), mask = sign | (sign - 1);
        int res, f;
        switch (op) {
            case ROL, ROR -> {
                int c = count & (width - 1);
                if (op == ROL) {
                    res = c == 0 ? v : ((v << c) | (v >>> (width - c))) & mask;
                    f = res & 1;
                    f |= ((res & sign) != 0) != (f != 0) ? OF : 0;
                } else {
                    res = c == 0 ? v : ((v >>> c) | (v << (width - c))) & mask;
                    f = (res & sign) != 0 ? CF : 0;
                    f |= (((res << 1) ^ res) & sign) != 0 ? OF : 0;
                }
                f |= cpu.getEflags() & ~(CF | OF);
            }
            case RCL, RCR -> {
                long x = rotateThroughCarry(op, v, count, width, cpu.getEflags() & CF);
                res = (int) x & mask;
                f = (int) (x >>> width) & 1;
                if (op == RCL) f |= ((res & sign) != 0) != (f != 0) ? OF : 0;
                else f |= (((res << 1) ^ res) & sign) != 0 ? OF : 0;
                f |= cpu.getEflags() & ~(CF | OF);
            }
            case SHL, SAL -> {
                long x = (v & 0xFFFFFFFFL) << count;
                res = (int) x & mask;
                f = (int) (x >>> width) & 1;
                f |= ((res & sign) != 0) != (f != 0) ? OF : 0;
                f |= ArithFlags.szp(res, sign);
            }
            case SHR -> {
                res = v >>> count;
                f = (v >>> (count - 1)) & 1;
                f |= (v & sign) != 0 ? OF : 0;
                f |= ArithFlags.szp(res, sign);
            }
            default -> { // SAR
                int sv = (v << (32 - width)) >> (32 - width);
                res = (sv >> count) & mask;
                f = (sv >> (count - 1)) & 1;
                f |= ArithFlags.szp(res, sign);
            }
        }
        return (long) f << 32 | (res & 0xFFFFFFFFL);
    }

    /** RCL/RCR: rotates the (width+1)-bit value CF:v; returns it with the new CF at bit {@code width}. */
    private static long rotateThroughCarry(int op, int v, int count, int width, int carry) {
        int n = width + 1;
        long nmask = (1L << n) - 1;
        long x = (v & 0xFFFFFFFFL) | (long) carry << width;
        int c = width == 32 ? count : count % n;
        if (c == 0) return x;
        return op == RCL ? ((x << c) | (x >>> (n - c))) & nmask : ((x >>> c) | (x << (n - c))) & nmask;
    }
}
