package org.jvisor.machine.cpu.diff;

import java.util.Random;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * Row-specific touches to a drawn case: registers that hold addresses, counts or branch
 * targets get values that keep the instruction inside the buffer and code region; some
 * rows get operands that make the interesting outcome likely (equal compare-exchange
 * operands, a quotient that fits, in-bounds BOUND limits, valid segment selectors).
 */
final class Fixups {
    private static final int[] SELECTORS = {ModelMachine.USER_DS, ModelMachine.USER_DS, ModelMachine.USER_GS,
        ModelMachine.USER_CS, 0, 0x28, 0x2F, 0x04, 0x13};
    private final Generator.Draft d;
    private final Insn insn;
    private final Random rnd;
    private final Entry e;
    private final int op;

    Fixups(Generator.Draft d, Insn insn) {
        this.d = d;
        this.insn = insn;
        this.rnd = d.rnd;
        this.e = d.e;
        this.op = e.opcode;
    }

    boolean apply() {
        int[] r = d.r;
        if (RowPolicy.isString(e)) {
            r[Reg.ESI] = address(0x400 + rnd.nextInt(0x1800), Reg.ESI);
            r[Reg.EDI] = address(0x400 + rnd.nextInt(0x1800), Reg.EDI);
            if (insn.rep != 0) r[Reg.ECX] = count(rnd.nextInt(8), Reg.ECX);
        }
        if (op == 0xD7) r[Reg.EBX] = address(0x100 + rnd.nextInt(0x1000), Reg.EBX);
        if (op >= 0xA0 && op <= 0xA3) d.enc.imm = d.buf + 0x200 + rnd.nextInt(0x1800);
        if (op >= 0xE0 && op <= 0xE3 && rnd.nextBoolean()) r[Reg.ECX] = count(rnd.nextInt(3), Reg.ECX);
        if (op == 0xC8) r[Reg.EBP] = d.buf + 0x1400 + (rnd.nextInt(0x200) & ~3);
        if (op == 0xC8) d.enc.imm = rnd.nextInt(0x400); // keep the new frame inside the mapped buffer
        if ((op == 0x1A4 || op == 0x1AC) && !insn.op32) d.enc.imm = d.enc.imm & ~0x1F | rnd.nextInt(17);
        if ((op == 0x1A5 || op == 0x1AD) && !insn.op32) r[Reg.ECX] = r[Reg.ECX] & ~0x1F | rnd.nextInt(17);
        if (op == 0xC2) d.enc.imm &= 0x7FFF; // qemu-i386 sign-extends RET's imm16 (hardware zero-extends)
        if (op == 0xC9) r[Reg.EBP] = d.buf + 0x1000 + (rnd.nextInt(0x800) & ~1);
        if ((op == 0xD2 || op == 0xD3 || op == 0x1A5 && insn.op32 || op == 0x1AD && insn.op32) && rnd.nextBoolean()) {
            r[Reg.ECX] = r[Reg.ECX] & ~0xFF | rnd.nextInt(40);
        }
        if ((op == 0xF6 || op == 0xF7) && (e.reg == 6 || e.reg == 7) && rnd.nextBoolean()) fittingDividend();
        if (e.has(Entry.FPU) && insn.isMemory()) d.patch(d.target, FpuValues.memoryOperand(rnd, op, e.reg));
        return branches() && memoryOperands() && segments();
    }

    /** A buffer address for an implicit pointer register (only the low 16 bits count with 16-bit addressing). */
    private int address(int offset, int reg) {
        int a = d.buf + offset;
        return insn.addr32 ? a : d.r[reg] & 0xFFFF0000 | a & 0xFFFF;
    }

    private int count(int n, int reg) {
        return insn.addr32 ? n : d.r[reg] & 0xFFFF0000 | n;
    }

    private void fittingDividend() {
        int[] r = d.r;
        if (op == 0xF6) {
            int al = r[Reg.EAX] & 0xFF;
            int ah = e.reg == 7 ? (byte) al >> 8 & 0xFF : 0;
            r[Reg.EAX] = r[Reg.EAX] & 0xFFFF0000 | ah << 8 | al;
        } else if (insn.op32) {
            r[Reg.EDX] = e.reg == 7 ? r[Reg.EAX] >> 31 : 0;
        } else {
            r[Reg.EDX] = r[Reg.EDX] & 0xFFFF0000 | (e.reg == 7 ? (short) r[Reg.EAX] >> 15 & 0xFFFF : 0);
        }
    }

    /** A target inside the INT3-filled code region for indirect branches and returns. */
    private int codeTarget() {
        return org.jvisor.machine.cpu.diff.Protocol.CODE_END + d.relative(0x7000);
    }

    private boolean branches() {
        int[] r = d.r;
        boolean indirect = op == 0xFF && (e.reg == 2 || e.reg == 4);
        if (indirect) {
            int t = insn.op32 ? codeTarget() : 0xC000 + rnd.nextInt(0x3000);
            if (insn.isMemory()) d.patch(d.target, le(t, 4));
            else r[insn.rm] = t;
        }
        if (op == 0xC3 || op == 0xC2) {
            int t = insn.op32 ? codeTarget() : 0xC000 + rnd.nextInt(0x3000);
            d.patch(r[Reg.ESP], le(t, 4));
        }
        return true;
    }

    private boolean memoryOperands() {
        int[] r = d.r;
        if (insn.isMemory() && (op == 0x1A3 || op == 0x1AB || op == 0x1B3 || op == 0x1BB)) {
            if (insn.reg == insn.base || insn.reg == insn.index) return false;
            r[insn.reg] = rnd.nextInt(0x1000) - 0x800;
        }
        if (op == 0x1C7 && e.reg == 1 && rnd.nextBoolean()) {
            d.patch(d.target, concat(le(r[Reg.EAX], 4), le(r[Reg.EDX], 4)));
        }
        if ((op == 0x1B0 || op == 0x1B1) && rnd.nextBoolean()) {
            if (insn.isMemory()) d.patch(d.target, le(r[Reg.EAX], 4));
            else if (insn.rm != Reg.EAX && (op == 0x1B1 || insn.rm < 4)) r[insn.rm] = r[Reg.EAX];
        }
        if (op == 0x62 && rnd.nextBoolean()) {
            int v = r[insn.reg], lo = v - rnd.nextInt(100), hi = v + rnd.nextInt(100);
            d.patch(d.target, insn.op32 ? concat(le(lo, 4), le(hi, 4)) : concat(le(lo, 2), le(hi, 2)));
        }
        if (op == 0x9D) d.patch(r[Reg.ESP], le(Values.interesting(rnd) & ~0x100, 4));
        return true;
    }

    /** Segment-register loads: mostly selectors that exist in both GDTs, sometimes not. */
    private boolean segments() {
        int[] r = d.r;
        int sreg = switch (op) {
            case 0x8E -> insn.reg;
            case 0x07, 0xC4 -> 0;
            case 0x17, 0x1B2 -> 2;
            case 0x1F, 0xC5 -> 3;
            case 0x1A1, 0x1B4 -> 4;
            case 0x1A9, 0x1B5 -> 5;
            default -> -1;
        };
        if (sreg < 0) return true;
        int sel = SELECTORS[rnd.nextInt(SELECTORS.length)];
        if (rnd.nextInt(8) == 0) sel = rnd.nextInt(0x10000);
        if (sreg == 2 && sel == ModelMachine.USER_GS) sel = ModelMachine.USER_DS; // the harness's own stores go through SS
        if (op == 0x8E && !insn.isMemory()) r[insn.rm] = r[insn.rm] & 0xFFFF0000 | sel;
        else if (op == 0x8E) d.patch(d.target, le(sel, 2));
        else if (op == 0xC4 || op == 0xC5 || op >= 0x1B2) {
            d.patch(d.target, concat(le(rnd.nextInt(), insn.op32 ? 4 : 2), le(sel, 2)));
        } else {
            d.patch(r[Reg.ESP], le(sel, 4));
        }
        return true;
    }

    static byte[] le(int v, int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) b[k] = (byte) (v >>> (8 * k));
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
