package org.jvisor.machine.cpu;

/**
 * Lazy arithmetic flags: the common ALU instructions record their operands and result
 * and the six arithmetic flags are computed only when read (SDM Vol. 1 3.4.3.1 and
 * Appendix A for each flag's definition). Other instructions set flags eagerly through
 * {@link Cpu#setArithFlags(int)}.
 *
 * <p>An op code is {@code kind << 2 | width} with width 0, 1, 2 for 8, 16, 32 bits.
 */
public final class LazyFlags {
    public static final int NONE = 0;
    public static final int ADD = 1, ADC = 2, SUB = 3, SBB = 4, LOGIC = 5, INC = 6, DEC = 7, NEG = 8;
    public static final int W8 = 0, W16 = 1, W32 = 2;

    private static final int[] MASK = {0xFF, 0xFFFF, 0xFFFFFFFF};
    private static final int[] SIGN = {0x80, 0x8000, 0x80000000};
    /** Left shift that puts a W8/W16/W32 value's top bit at bit 31. */
    private static final int[] TOP_SHIFT = {24, 16, 0};

    private LazyFlags() { }

    public static int op(int kind, int width) {
        return kind << 2 | width;
    }

    /** Computes the six arithmetic flags from a lazy record; CF of INC/DEC comes from {@code oldFlags}. */
    static int compute(int op, int a, int b, int res, int oldFlags) {
        int w = op & 3;
        int mask = MASK[w], sign = SIGN[w];
        int ma = a & mask, mb = b & mask, mr = res & mask;
        int f = 0;
        if (mr == 0) f |= Flags.ZF;
        if ((mr & sign) != 0) f |= Flags.SF;
        if ((Integer.bitCount(mr & 0xFF) & 1) == 0) f |= Flags.PF;
        switch (op >>> 2) {
            case ADD -> {
                if (Integer.compareUnsigned(mr, ma) < 0) f |= Flags.CF;
                if (((ma ^ mr) & (mb ^ mr) & sign) != 0) f |= Flags.OF;
                f |= (ma ^ mb ^ mr) & Flags.AF;
            }
            case ADC -> {
                boolean cin = ((ma + mb) & mask) != mr;
                if (Integer.compareUnsigned(mr, ma) < 0 || (cin && mr == ma)) f |= Flags.CF;
                if (((ma ^ mr) & (mb ^ mr) & sign) != 0) f |= Flags.OF;
                f |= (ma ^ mb ^ mr) & Flags.AF;
            }
            case SUB -> {
                if (Integer.compareUnsigned(ma, mb) < 0) f |= Flags.CF;
                if (((ma ^ mb) & (ma ^ mr) & sign) != 0) f |= Flags.OF;
                f |= (ma ^ mb ^ mr) & Flags.AF;
            }
            case SBB -> {
                boolean cin = ((ma - mb) & mask) != mr;
                if (cin ? Integer.compareUnsigned(ma, mb) <= 0 : Integer.compareUnsigned(ma, mb) < 0) f |= Flags.CF;
                if (((ma ^ mb) & (ma ^ mr) & sign) != 0) f |= Flags.OF;
                f |= (ma ^ mb ^ mr) & Flags.AF;
            }
            case LOGIC -> { }
            case INC -> {
                f |= oldFlags & Flags.CF;
                if (mr == sign) f |= Flags.OF;
                f |= (ma ^ 1 ^ mr) & Flags.AF;
            }
            case DEC -> {
                f |= oldFlags & Flags.CF;
                if (mr == sign - 1) f |= Flags.OF;
                f |= (ma ^ 1 ^ mr) & Flags.AF;
            }
            case NEG -> {
                if (mb != 0) f |= Flags.CF;
                if (mr == sign) f |= Flags.OF;
                f |= (mb ^ mr) & Flags.AF;
            }
            default -> throw new IllegalStateException("lazy flags op " + op);
        }
        return f;
    }

    /**
     * The carry flag alone, without computing the other five: ADC, SBB, RCL, RCR and the
     * INC/DEC carry preservation need it on the hot path.
     */
    public static int carry(Cpu cpu) {
        int op = cpu.lazyOp;
        if (op == NONE) return cpu.eflags & Flags.CF;
        int mask = MASK[op & 3];
        int ma = cpu.lazyA & mask, mb = cpu.lazyB & mask, mr = cpu.lazyRes & mask;
        boolean cf = switch (op >>> 2) {
            case ADD -> Integer.compareUnsigned(mr, ma) < 0;
            case ADC -> Integer.compareUnsigned(mr, ma) < 0 || (mr == ma && ((ma + mb) & mask) != mr);
            case SUB -> Integer.compareUnsigned(ma, mb) < 0;
            case SBB -> ((ma - mb) & mask) != mr ? Integer.compareUnsigned(ma, mb) <= 0 : Integer.compareUnsigned(ma, mb) < 0;
            case NEG -> mb != 0;
            case INC, DEC -> (cpu.eflags & Flags.CF) != 0;
            default -> false; // LOGIC
        };
        return cf ? Flags.CF : 0;
    }

    /**
     * Evaluates condition code cc (SDM Vol. 1 Appendix B, Table B-1) from the lazy record
     * without materializing all six flags: Jcc after CMP/SUB/TEST/ADD is the hot case.
     */
    static boolean condition(Cpu cpu, int cc) {
        int op = cpu.lazyOp;
        if (op == NONE) return eflagsCondition(cpu.eflags, cc);
        int shift = TOP_SHIFT[op & 3]; // moves the operand's sign bit to bit 31
        int kind = op >>> 2;
        boolean v = switch (cc >>> 1) {
            case 0 -> (compute(op, cpu.lazyA, cpu.lazyB, cpu.lazyRes, cpu.eflags) & Flags.OF) != 0;
            case 1 -> carry(cpu) != 0;
            case 2 -> (cpu.lazyRes << shift) == 0;
            case 3 -> carry(cpu) != 0 || (cpu.lazyRes << shift) == 0;
            case 4 -> (cpu.lazyRes << shift) < 0;
            case 5 -> (Integer.bitCount(cpu.lazyRes & 0xFF) & 1) == 0;
            case 6 -> less(cpu, op, kind, shift);
            default -> (cpu.lazyRes << shift) == 0 || less(cpu, op, kind, shift);
        };
        return v ^ ((cc & 1) != 0);
    }

    /** SF != OF: after SUB/CMP that is a signed a < b; otherwise computed from the flags. */
    private static boolean less(Cpu cpu, int op, int kind, int shift) {
        if (kind == SUB) return (cpu.lazyA << shift) < (cpu.lazyB << shift);
        if (kind == LOGIC) return (cpu.lazyRes << shift) < 0; // OF = 0
        int f = compute(op, cpu.lazyA, cpu.lazyB, cpu.lazyRes, cpu.eflags);
        return ((f & Flags.SF) != 0) != ((f & Flags.OF) != 0);
    }

    static boolean eflagsCondition(int f, int cc) {
        boolean v = switch (cc >>> 1) {
            case 0 -> (f & Flags.OF) != 0;
            case 1 -> (f & Flags.CF) != 0;
            case 2 -> (f & Flags.ZF) != 0;
            case 3 -> (f & (Flags.CF | Flags.ZF)) != 0;
            case 4 -> (f & Flags.SF) != 0;
            case 5 -> (f & Flags.PF) != 0;
            case 6 -> ((f & Flags.SF) != 0) != ((f & Flags.OF) != 0);
            default -> (f & Flags.ZF) != 0 || (((f & Flags.SF) != 0) != ((f & Flags.OF) != 0));
        };
        return v ^ ((cc & 1) != 0);
    }

    public static int mask(int width) {
        return MASK[width];
    }

    public static int sign(int width) {
        return SIGN[width];
    }
}
