package org.jvisor.machine.cpu.fpu;

/**
 * x87 register stack and control/status/tag words (SDM Vol. 1 chapter 8).
 *
 * <p>Registers are kept by physical number R0..R7 as a 16-bit sign/exponent and a 64-bit
 * significand with its explicit integer bit (the double extended-precision format, SDM Vol. 1
 * 4.2.2). ST(i) is R((TOP + i) mod 8). The status word holds TOP in bits 11-13 as on hardware.
 * The tag word keeps two bits per physical register (valid, zero, special, empty) and is
 * updated on every register write so FNSTENV/FNSAVE can store it as is.
 */
public final class FpuState {
    // Status word bits (SDM Vol. 1 8.1.3).
    public static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20, SF = 0x40, ES = 0x80;
    public static final int C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, B = 0x8000;
    public static final int TOP_SHIFT = 11, TOP_MASK = 7 << TOP_SHIFT, CC = C0 | C1 | C2 | C3;
    /** Tag values (SDM Vol. 1 8.1.7). */
    public static final int TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

    public int control = 0x037F, status, tag = 0xFFFF;
    /** Physical registers R0..R7: sign and biased exponent (16 bits), significand. */
    public final int[] se = new int[8];
    public final long[] mant = new long[8];
    /** Last instruction and data pointers and opcode (SDM Vol. 1 8.1.8-8.1.9). */
    public int fip, fcs, fdp, fds, fop;

    // Scratch outputs of the arithmetic in Float80/FpuArith (one instruction at a time).
    int rSe;
    long rM;
    /** Exceptions raised by the operation in progress (status-word bit positions). */
    int exc;
    /** The last rounding increased the magnitude (reported in C1). */
    boolean up;
    /** A memory store must be suppressed (unmasked overflow/underflow to memory). */
    boolean noStore;
    /** Double-double temporaries of the fast trigonometric path. */
    final FastTrig fastTrig = new FastTrig();
    final FastExpLog fastExpLog = new FastExpLog();
    /** The seven environment words of FNSTENV/FLDENV while they are assembled or read. */
    final int[] envWords = new int[7];
    /** Rounding details from {@link Float80#roundBits}. */
    boolean inexact, carry;

    /** FNINIT state (SDM Vol. 1 8.1.1, Table 8-5 in the FINIT page of Vol. 2). */
    public void reset() {
        control = 0x037F;
        status = 0;
        tag = 0xFFFF;
        fip = fcs = fdp = fds = fop = 0;
    }

    public int top() {
        return (status >>> TOP_SHIFT) & 7;
    }

    void setTop(int t) {
        status = (status & ~TOP_MASK) | ((t & 7) << TOP_SHIFT);
    }

    /** Physical register number of ST(i). */
    public int phys(int i) {
        return (top() + i) & 7;
    }

    public boolean isEmpty(int i) {
        return tagOf(phys(i)) == TAG_EMPTY;
    }

    int tagOf(int physReg) {
        return (tag >>> (2 * physReg)) & 3;
    }

    void setTag(int physReg, int t) {
        tag = (tag & ~(3 << (2 * physReg))) | (t << (2 * physReg));
    }

    /** Writes ST(i) and its tag. */
    public void set(int i, int signExp, long m) {
        int p = phys(i);
        se[p] = signExp & 0xFFFF;
        mant[p] = m;
        setTag(p, Float80.tagFor(signExp, m));
    }

    public int seOf(int i) {
        return se[phys(i)];
    }

    public long mantOf(int i) {
        return mant[phys(i)];
    }

    /** Decrements TOP and writes the new ST(0). */
    void push(int signExp, long m) {
        setTop(top() - 1);
        set(0, signExp, m);
    }

    /** Marks ST(0) empty and increments TOP. */
    void pop() {
        setTag(phys(0), TAG_EMPTY);
        setTop(top() + 1);
    }

    void setCc(int c) {
        status = (status & ~CC) | (c & CC);
    }

    /** Recomputes the error summary and busy bits from the flags and masks (SDM 8.1.3.1). */
    void updateSummary() {
        boolean pending = (status & ~control & 0x3F) != 0;
        status = pending ? status | ES | B : status & ~(ES | B);
    }

    /** The tag word as FNSTENV/FNSAVE store it: empty as recorded, others from the contents. */
    public int storedTag() {
        int t = 0;
        for (int p = 0; p < 8; p++) {
            int v = tagOf(p) == TAG_EMPTY ? TAG_EMPTY : Float80.tagFor(se[p], mant[p]);
            t |= v << (2 * p);
        }
        return t;
    }
}
