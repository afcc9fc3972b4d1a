package org.jvisor.machine.cpu;

/** EFLAGS bit masks (SDM Vol. 1 3.4.3, Vol. 3A 2.3). */
public final class Flags {
    public static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8;
    public static final int IF = 1 << 9, DF = 1 << 10, OF = 1 << 11, IOPL = 3 << 12, NT = 1 << 14;
    public static final int RF = 1 << 16, VM = 1 << 17, AC = 1 << 18, VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;
    /** The six arithmetic flags the lazy-flags machinery computes. */
    public static final int ARITH = CF | PF | AF | ZF | SF | OF;
    /** Bits that exist on a P6 (bit 1 always reads 1). */
    public static final int IMPLEMENTED = ARITH | TF | IF | DF | IOPL | NT | RF | VM | AC | VIF | VIP | ID;
    public static final int FIXED_ONE = 1 << 1;

    private Flags() { }
}
