package org.jvisor.machine.cpu.decode;

/**
 * One decoded instruction. Mutable only while the decoder fills it; afterwards it is shared
 * by every execution of its block. Plain int fields so the hot path never boxes.
 */
public final class Insn {
    public Entry entry;
    /** The semantics chosen for the effective operand size. */
    public Exec exec;
    /** Length in bytes, prefixes included (1..15). */
    public int length;
    /** Opcode: 0x00-0xFF, or 0x100 | second byte for 0F xx. */
    public int opcode;

    /** Effective operand size is 32 bits (else 16); effective address size is 32 bits (else 16). */
    public boolean op32, addr32;
    /** Repeat prefix: 0 none, 1 REP/REPE (F3), 2 REPNE (F2). */
    public int rep;
    public boolean lock;
    /** Segment override prefix, or -1. */
    public int segOverride = -1;

    public boolean hasModrm;
    public int modrm, mod, reg, rm;
    /** Memory operand: effective segment, base and index registers (-1 for none), scale shift, displacement. */
    public int seg, base = -1, index = -1, scale, disp;

    /** Immediates: imm is the first (sign- or zero-extended per the form), imm2 the second (ENTER, far pointer). */
    public int imm, imm2;

    public boolean isMemory() {
        return hasModrm && mod != 3;
    }

    @Override
    public String toString() {
        return entry == null ? "(undecoded)" : entry.mnemonic + " len=" + length;
    }
}
