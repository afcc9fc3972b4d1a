package org.jvisor.machine.cpu.fpu;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * x87 data transfer (SDM Vol. 2 FLD, FST/FSTP, FILD, FIST/FISTP, FBLD, FBSTP, FLD1 and the
 * other constants, FCMOVcc) and the memory operand formats: float32/64/80, int16/32/64 and
 * 18-digit packed BCD.
 */
final class FpuLoadStore {
    /** Memory operand kinds. */
    static final int M32FP = 0, M64FP = 1, M80FP = 2, M16INT = 3, M32INT = 4, M64INT = 5;

    private FpuLoadStore() { }

    /** Reads a memory operand and converts it exactly to 80 bits in f.rSe/f.rM (DE/IE into f.exc). */
    static void load(Cpu cpu, Insn i, int kind) {
        FpuState f = cpu.fpu;
        int off = cpu.ea(i);
        switch (kind) {
            case M32FP -> Float80.fromFloat32(f, cpu.read32(i.seg, off));
            case M64FP -> Float80.fromFloat64(f, read64(cpu, i.seg, off));
            case M80FP -> {
                long m = read64(cpu, i.seg, off);
                f.rSe = cpu.read16(i.seg, off + 8);
                f.rM = m;
            }
            case M16INT -> Float80.fromLong(f, (short) cpu.read16(i.seg, off));
            case M32INT -> Float80.fromLong(f, cpu.read32(i.seg, off));
            default -> Float80.fromLong(f, read64(cpu, i.seg, off));
        }
    }

    /**
     * A denormal memory operand raises DE only when ST(0) is an ordinary operand: against a
     * NaN or an unsupported encoding the invalid/NaN handling comes first (SDM 4.9.2).
     */
    static void dropDenormalAgainstNaN(FpuState f) {
        if (f.isEmpty(0)) return;
        int c = Float80.classify(f.seOf(0), f.mantOf(0));
        if (Float80.isNaN(c) || c == Float80.UNSUPPORTED) f.exc &= ~FpuState.DE;
    }

    static long read64(Cpu cpu, int seg, int off) {
        long lo = cpu.read32(seg, off) & 0xFFFFFFFFL;
        return lo | (long) cpu.read32(seg, off + 4) << 32;
    }

    static void write64(Cpu cpu, int seg, int off, long v) {
        cpu.write32(seg, off, (int) v);
        cpu.write32(seg, off + 4, (int) (v >>> 32));
    }

    // =======================================================================================
    // Loads
    // =======================================================================================

    static void fldM32(Cpu cpu, Insn i) {
        fldMem(cpu, i, M32FP);
    }

    static void fldM64(Cpu cpu, Insn i) {
        fldMem(cpu, i, M64FP);
    }

    static void fldM80(Cpu cpu, Insn i) {
        fldMem(cpu, i, M80FP);
    }

    static void fildM16(Cpu cpu, Insn i) {
        fldMem(cpu, i, M16INT);
    }

    static void fildM32(Cpu cpu, Insn i) {
        fldMem(cpu, i, M32INT);
    }

    static void fildM64(Cpu cpu, Insn i) {
        fldMem(cpu, i, M64INT);
    }

    /** FLD/FILD from memory: an unmasked IE (SNaN) or DE (denormal) loads nothing. */
    private static void fldMem(Cpu cpu, Insn i, int kind) {
        FpuState f = FpuControl.begin(cpu);
        load(cpu, i, kind);
        if (!FpuControl.unmaskedPre(f) || !f.isEmpty(7)) FpuControl.pushResult(f);
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    /** FLD ST(i): copies without any exception but stack faults. */
    static void fldReg(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        if (f.isEmpty(i.rm)) {
            if (FpuControl.stackUnderflow(f)) FpuControl.pushResult(f);
        } else {
            f.rSe = f.seOf(i.rm);
            f.rM = f.mantOf(i.rm);
            FpuControl.pushResult(f);
        }
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    /**
     * FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (D9 E8-EE). The constants are held
     * rounded to nearest; like a P6 the last bit follows RC (the irrational ones whose nearest
     * value was rounded up drop one unit for down/chop; log2(10), rounded down, gains one for up).
     */
    static void fldConst(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        int rc = Float80.rc(f);
        long m;
        int se;
        switch (i.rm) {
            case 0 -> { se = 0x3FFF; m = Float80.INT_BIT; }
            case 1 -> { se = 0x4000; m = 0xD49A784BCD1B8AFEL + (rc == 2 ? 1 : 0); }
            case 2 -> { se = 0x3FFF; m = 0xB8AA3B295C17F0BCL - (rc == 1 || rc == 3 ? 1 : 0); }
            case 3 -> { se = 0x4000; m = 0xC90FDAA22168C235L - (rc == 1 || rc == 3 ? 1 : 0); }
            case 4 -> { se = 0x3FFD; m = 0x9A209A84FBCFF799L - (rc == 1 || rc == 3 ? 1 : 0); }
            case 5 -> { se = 0x3FFE; m = 0xB17217F7D1CF79ACL - (rc == 1 || rc == 3 ? 1 : 0); }
            default -> { se = 0; m = 0; }
        }
        f.rSe = se;
        f.rM = m;
        FpuControl.pushResult(f);
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    // =======================================================================================
    // Stores
    // =======================================================================================

    static void fstM32(Cpu cpu, Insn i) {
        fstFloat(cpu, i, Float80.SGL, false);
    }

    static void fstpM32(Cpu cpu, Insn i) {
        fstFloat(cpu, i, Float80.SGL, true);
    }

    static void fstM64(Cpu cpu, Insn i) {
        fstFloat(cpu, i, Float80.DBL, false);
    }

    static void fstpM64(Cpu cpu, Insn i) {
        fstFloat(cpu, i, Float80.DBL, true);
    }

    /** FST/FSTP m32fp/m64fp: rounded by RC; an unmasked exception stores nothing and keeps the stack. */
    private static void fstFloat(Cpu cpu, Insn i, int fmt, boolean pop) {
        FpuState f = FpuControl.begin(cpu);
        boolean store;
        if (f.isEmpty(0)) {
            store = FpuControl.stackUnderflow(f);
            f.rM = fmt == Float80.DBL ? 0xFFF8000000000000L : 0xFFC00000L;
        } else {
            Float80.toFloat(f, f.seOf(0), f.mantOf(0), fmt);
            store = !f.noStore && !FpuControl.unmaskedPre(f);
        }
        int off = cpu.ea(i);
        if (store && fmt == Float80.DBL) {
            FpuControl.checkWrite(cpu, i.seg, off, 8);
            write64(cpu, i.seg, off, f.rM);
        } else if (store) {
            cpu.write32(i.seg, off, (int) f.rM);
        }
        finishStore(cpu, i, f, pop && store);
    }

    /** FSTP m80fp: the register as is (no exceptions but underflow). */
    static void fstpM80(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        boolean store = true;
        if (f.isEmpty(0)) {
            store = FpuControl.stackUnderflow(f);
        } else {
            f.rSe = f.seOf(0);
            f.rM = f.mantOf(0);
        }
        if (store) {
            int off = cpu.ea(i);
            FpuControl.checkWrite(cpu, i.seg, off, 10);
            write64(cpu, i.seg, off, f.rM);
            cpu.write16(i.seg, off + 8, f.rSe);
        }
        finishStore(cpu, i, f, store);
    }

    private static void finishStore(Cpu cpu, Insn i, FpuState f, boolean pop) {
        FpuControl.commit(f);
        if (pop) f.pop();
        FpuControl.retire(cpu, i);
    }

    /** FST/FSTP ST(i) (DD D0+i, DD D8+i and the D9 D8+i, DF D0+i, DF D8+i aliases). */
    static void fstReg(Cpu cpu, Insn i) {
        fstRegTo(cpu, i, false);
    }

    static void fstpReg(Cpu cpu, Insn i) {
        fstRegTo(cpu, i, true);
    }

    private static void fstRegTo(Cpu cpu, Insn i, boolean pop) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok = true;
        if (f.isEmpty(0)) {
            ok = FpuControl.stackUnderflow(f);
        } else {
            f.rSe = f.seOf(0);
            f.rM = f.mantOf(0);
        }
        if (ok) f.set(i.rm, f.rSe, f.rM);
        FpuControl.commit(f);
        if (pop && ok) f.pop();
        FpuControl.retire(cpu, i);
    }

    static void fistM16(Cpu cpu, Insn i) {
        fistTo(cpu, i, 16, false);
    }

    static void fistpM16(Cpu cpu, Insn i) {
        fistTo(cpu, i, 16, true);
    }

    static void fistM32(Cpu cpu, Insn i) {
        fistTo(cpu, i, 32, false);
    }

    static void fistpM32(Cpu cpu, Insn i) {
        fistTo(cpu, i, 32, true);
    }

    static void fistpM64(Cpu cpu, Insn i) {
        fistTo(cpu, i, 64, true);
    }

    /** FIST/FISTP: rounded by RC; out of range or NaN gives the integer indefinite with IE. */
    private static void fistTo(Cpu cpu, Insn i, int bits, boolean pop) {
        FpuState f = FpuControl.begin(cpu);
        long v;
        boolean store;
        if (f.isEmpty(0)) {
            store = FpuControl.stackUnderflow(f);
            v = Long.MIN_VALUE >> (64 - bits);
        } else {
            int se = f.seOf(0);
            long m = f.mantOf(0);
            v = Float80.toInteger(f, se, m, bits, Float80.rc(f));
            store = !FpuControl.unmaskedPre(f);
        }
        int off = cpu.ea(i);
        if (store) {
            switch (bits) {
                case 16 -> cpu.write16(i.seg, off, (int) v);
                case 32 -> cpu.write32(i.seg, off, (int) v);
                default -> {
                    FpuControl.checkWrite(cpu, i.seg, off, 8);
                    write64(cpu, i.seg, off, v);
                }
            }
        }
        finishStore(cpu, i, f, pop && store);
    }

    // =======================================================================================
    // Packed BCD (SDM Vol. 1 4.7: 18 digits, sign in bit 7 of byte 9)
    // =======================================================================================

    /** FBLD m80bcd: digits are taken as they are (invalid digits give an undefined value). */
    static void fbld(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        int off = cpu.ea(i);
        long digits = read64(cpu, i.seg, off);
        int top = cpu.read16(i.seg, off + 8);
        long v = 0;
        v = (top >>> 4 & 0xF) * 10L + (top & 0xF);
        for (int d = 15; d >= 0; d--) v = v * 10 + ((digits >>> (4 * d)) & 0xF);
        boolean neg = (top & 0x8000) != 0;
        Float80.fromLong(f, v);
        if (neg) f.rSe |= Float80.SIGN; // -0 stays -0
        FpuControl.pushResult(f);
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    /** FBSTP m80bcd: rounded by RC; beyond 18 digits or NaN gives the BCD indefinite with IE. */
    static void fbstp(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        boolean store = true, indefinite = false, neg = false;
        long v = 0;
        if (f.isEmpty(0)) {
            store = FpuControl.stackUnderflow(f);
            indefinite = true;
        } else {
            int se = f.seOf(0);
            long m = f.mantOf(0);
            neg = Float80.neg(se);
            v = Float80.toInteger(f, se, m, 64, Float80.rc(f));
            if ((f.exc & FpuState.IE) == 0 && Math.abs(v) > 999_999_999_999_999_999L) {
                f.exc = (f.exc & ~FpuState.PE) | FpuState.IE;
            }
            indefinite = (f.exc & FpuState.IE) != 0;
            store = !FpuControl.unmaskedPre(f);
        }
        if (store) writeBcd(cpu, i, v, neg, indefinite);
        finishStore(cpu, i, f, store);
    }

    private static void writeBcd(Cpu cpu, Insn i, long v, boolean neg, boolean indefinite) {
        int off = cpu.ea(i);
        FpuControl.checkWrite(cpu, i.seg, off, 10);
        if (indefinite) { // FF FF C0 00 .. (bytes 9..0), SDM Vol. 1 Table 4-4
            write64(cpu, i.seg, off, 0xC000000000000000L);
            cpu.write16(i.seg, off + 8, 0xFFFF);
            return;
        }
        long mag = Math.abs(v), packed = 0;
        for (int d = 0; d < 16; d++) {
            packed |= (mag % 10) << (4 * d);
            mag /= 10;
        }
        int high = (int) (mag % 10) | (int) (mag / 10 % 10) << 4 | (neg ? 0x8000 : 0);
        write64(cpu, i.seg, off, packed);
        cpu.write16(i.seg, off + 8, high);
    }

    // =======================================================================================
    // FCMOVcc (DA/DB C0-DF): moves ST(i) to ST(0) on an EFLAGS condition
    // =======================================================================================

    /** Condition per (opcode, reg): B, E, BE, U and their negations (SDM Vol. 2 FCMOVcc). */
    static void fcmov(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        int cc = switch (i.reg) {
            case 0 -> 0x2;  // B: CF
            case 1 -> 0x4;  // E: ZF
            case 2 -> 0x6;  // BE: CF or ZF
            default -> 0xA; // U: PF
        };
        boolean take = cpu.condition(cc) ^ (i.opcode == 0xDB);
        if (f.isEmpty(0) || f.isEmpty(i.rm)) {
            if (FpuControl.stackUnderflow(f)) f.set(0, f.rSe, f.rM);
        } else if (take) {
            f.set(0, f.seOf(i.rm), f.mantOf(i.rm));
        }
        int c1 = f.status & FpuState.C1; // unchanged unless the stack underflowed
        FpuControl.commit(f);
        if ((f.exc & FpuState.SF) == 0) f.status = (f.status & ~FpuState.C1) | c1;
        FpuControl.retire(cpu, i);
    }
}
