package org.jvisor.machine.cpu.decode;

/**
 * One row of the opcode table: an instruction form, its operands in the SDM opcode-map
 * notation (Vol. 2 Appendix A.2), its semantics per operand size, its attributes and the
 * flags it leaves undefined.
 *
 * <p>Operand notation read by the decoder: {@code E? G? M? R? S? C? D? T?} need a ModRM
 * byte; {@code Ib Iw Iz Id Ibs Jb Jz Ob Ov Ap} are immediates ({@code Ibs} is a byte
 * sign-extended to the operand size; {@code Iw,Ib} together is ENTER); fixed registers
 * ({@code AL eAX DX CL 1 ST ST(i)} ...) consume nothing.
 */
public final class Entry {
    /** Ends a decoded block: any control transfer, and anything that changes how later bytes decode or run. */
    public static final int ENDS_BLOCK = 1;
    /** A control transfer (the next EIP is not the fall-through). */
    public static final int BRANCH = 2;
    /** Faults with #GP unless CPL is 0 (SDM 5.9). */
    public static final int PRIVILEGED = 4;
    /** Sensitive but does not trap outside ring 0 (Robin and Irvine): binary translation must see it. */
    public static final int SENSITIVE = 8;
    /** LOCK is allowed (with a memory destination). */
    public static final int LOCKABLE = 16;
    /** Only the memory form exists (mod == 3 is #UD). */
    public static final int MEM_ONLY = 32;
    /** Only the register form exists (mod != 3 is #UD or another entry). */
    public static final int REG_ONLY = 64;
    /** Does not exist in 64-bit mode: the differential tests check it against qemu-i386. */
    public static final int NOT_IN_LONG_MODE = 128;
    /** x87 instruction: CR0.EM/TS checks apply (#NM). */
    public static final int FPU = 256;
    /** Reads or writes I/O ports. */
    public static final int IO = 512;

    public final int opcode;
    /** ModRM.reg for group rows, or -1. */
    public final int reg;
    /** For x87 register forms (mod == 3) the ModRM.rm, or -1 for all. */
    public final int rm;
    public final String mnemonic;
    public final String operands;
    public final Exec exec16, exec32;
    public final int attributes;
    /** EFLAGS bits the SDM leaves undefined after this instruction. */
    public final int undefinedFlags;

    // Derived from the operand notation by the table.
    final boolean needsModrm;
    final int immKind;

    Entry(int opcode, int reg, int rm, String mnemonic, String operands, Exec exec16, Exec exec32,
          int attributes, int undefinedFlags, boolean needsModrm, int immKind) {
        this.opcode = opcode;
        this.reg = reg;
        this.rm = rm;
        this.mnemonic = mnemonic;
        this.operands = operands;
        this.exec16 = exec16;
        this.exec32 = exec32;
        this.attributes = attributes;
        this.undefinedFlags = undefinedFlags;
        this.needsModrm = needsModrm;
        this.immKind = immKind;
    }

    public boolean has(int attribute) {
        return (attributes & attribute) != 0;
    }

    @Override
    public String toString() {
        return String.format("%s %s [%s%s]", mnemonic, operands,
                opcode >= 0x100 ? String.format("0f %02x", opcode & 0xFF) : String.format("%02x", opcode),
                reg >= 0 ? "/" + reg : "");
    }
}
