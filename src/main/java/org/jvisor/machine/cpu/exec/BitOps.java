package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Bit instructions: BT BTS BTR BTC (SDM Vol. 2 BT "bit base / bit offset"), BSF and BSR,
 * BSWAP; SETcc and CMOVcc are registered from {@link ConditionalOps}.
 */
public final class BitOps {
    static final int BT = 0, BTS = 1, BTR = 2, BTC = 3;
    private static final String[] NAMES = {"bt", "bts", "btr", "btc"};
    private static final int BT_UNDEFINED = OF | SF | AF | PF;

    private BitOps() { }

    public static void register(OpcodeTable t) {
        for (int op = 0; op < 4; op++) {
            int lock = op == BT ? 0 : Entry.LOCKABLE;
            t.def(0x1A3 + (op << 3), NAMES[op], "Ev,Gv").exec(BitOps::byReg16, BitOps::byReg32)
                    .attrs(lock).undefined(BT_UNDEFINED).add();
            t.def(0x1BA, 4 + op, NAMES[op], "Ev,Ib").exec(BitOps::byImm16, BitOps::byImm32)
                    .attrs(lock).undefined(BT_UNDEFINED).add();
        }
        t.def(0x1BC, "bsf", "Gv,Ev").exec(BitOps::bsf16, BitOps::bsf32).undefined(CF | OF | SF | AF | PF).add();
        t.def(0x1BD, "bsr", "Gv,Ev").exec(BitOps::bsr16, BitOps::bsr32).undefined(CF | OF | SF | AF | PF).add();
        for (int n = 0; n < 8; n++) {
            t.def(0x1C8 + n, "bswap", "Zv").exec(BitOps::bswap16, BitOps::bswap32).add();
        }
        ConditionalOps.register(t);
    }

    // --- BT/BTS/BTR/BTC ---------------------------------------------------------------------

    static void byReg16(Cpu cpu, Insn i) {
        bitOp(cpu, i, (i.opcode >>> 3) & 3, 16, (short) cpu.r[i.reg], true);
    }

    static void byReg32(Cpu cpu, Insn i) {
        bitOp(cpu, i, (i.opcode >>> 3) & 3, 32, cpu.r[i.reg], true);
    }

    static void byImm16(Cpu cpu, Insn i) {
        bitOp(cpu, i, i.reg - 4, 16, i.imm, false);
    }

    static void byImm32(Cpu cpu, Insn i) {
        bitOp(cpu, i, i.reg - 4, 32, i.imm, false);
    }

    /**
     * A register operand uses the offset modulo the width. A memory operand with a register
     * offset addresses the operand-sized unit {@code floor(offset / width)} units away from
     * the effective address (the offset is signed); an immediate offset is taken modulo the width.
     */
    private static void bitOp(Cpu cpu, Insn i, int op, int width, int offset, boolean displace) {
        int bit = offset & (width - 1);
        if (i.mod == 3) {
            int v = Operand.reg(cpu, i.rm, width);
            if (op != BT) Operand.setReg(cpu, i.rm, width, modify(op, v, bit));
            ArithFlags.set(cpu, CF, v >>> bit);
            return;
        }
        int ea = cpu.ea(i);
        if (displace) {
            ea += width == 16 ? (offset >> 4) << 1 : (offset >> 5) << 2;
            if (!i.addr32) ea &= 0xFFFF;
        }
        int v;
        if (op == BT) {
            v = Operand.read(cpu, i.seg, ea, width);
        } else {
            int lin = cpu.linear(i.seg, ea, width >>> 3, true);
            v = Operand.readLinear(cpu, lin, width);
            Operand.writeLinear(cpu, lin, width, modify(op, v, bit));
        }
        ArithFlags.set(cpu, CF, v >>> bit);
    }

    private static int modify(int op, int v, int bit) {
        return switch (op) {
            case BTS -> v | 1 << bit;
            case BTR -> v & ~(1 << bit);
            default -> v ^ 1 << bit; // BTC
        };
    }

    // --- BSF/BSR: a zero source sets ZF and leaves the destination unchanged (as a P6 does) -

    static void bsf16(Cpu cpu, Insn i) {
        int v = cpu.readE16(i);
        if (v != 0) cpu.setReg16(i.reg, Integer.numberOfTrailingZeros(v));
        ArithFlags.set(cpu, ZF, v == 0 ? ZF : 0);
    }

    static void bsf32(Cpu cpu, Insn i) {
        int v = cpu.readE32(i);
        if (v != 0) cpu.r[i.reg] = Integer.numberOfTrailingZeros(v);
        ArithFlags.set(cpu, ZF, v == 0 ? ZF : 0);
    }

    static void bsr16(Cpu cpu, Insn i) {
        int v = cpu.readE16(i);
        if (v != 0) cpu.setReg16(i.reg, 31 - Integer.numberOfLeadingZeros(v));
        ArithFlags.set(cpu, ZF, v == 0 ? ZF : 0);
    }

    static void bsr32(Cpu cpu, Insn i) {
        int v = cpu.readE32(i);
        if (v != 0) cpu.r[i.reg] = 31 - Integer.numberOfLeadingZeros(v);
        ArithFlags.set(cpu, ZF, v == 0 ? ZF : 0);
    }

    // --- BSWAP (SDM Vol. 2 BSWAP) -------------------------------------------------------------

    static void bswap32(Cpu cpu, Insn i) {
        int n = i.opcode & 7;
        cpu.r[n] = Integer.reverseBytes(cpu.r[n]);
    }

    /** A 16-bit operand is undefined in the SDM; P6-family processors clear the low word. */
    static void bswap16(Cpu cpu, Insn i) {
        cpu.setReg16(i.opcode & 7, 0);
    }
}
