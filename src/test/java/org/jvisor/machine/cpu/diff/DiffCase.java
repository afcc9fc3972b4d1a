package org.jvisor.machine.cpu.diff;

import org.jvisor.machine.cpu.decode.Entry;

/**
 * One generated case: an instruction encoding (as the model runs it, and as the host runs
 * it in 64-bit mode), the initial registers, flags, memory seed and patch, and x87 image.
 */
public final class DiffCase {
    public final int number;
    public final Entry entry;
    public final Oracle oracle;
    /** The instruction as a 32-bit code segment decodes it (what the model and qemu run). */
    public final byte[] bytes;
    /** The same instruction re-encoded for 64-bit mode (what the host runs). */
    public final byte[] hostBytes;
    public final int[] regs;
    public final int eflags;
    public final int seed;
    public final int patchOffset;
    /** Bytes written over the seeded fill at patchOffset, or null. */
    public final byte[] patch;
    /** FNSAVE-format (32-bit protected mode) x87 image loaded before the instruction, or null. */
    public final byte[] fpuImage;
    /**
     * For a two-instruction sequence case ({@link Sequences}): the row of the first, flag-producing
     * instruction; {@link #entry} is then the flag consumer that follows it. Null for one instruction.
     */
    public final Entry producer;
    /** EFLAGS bits left undefined by the case's instructions: not compared. */
    public final int undefinedFlags;

    DiffCase(int number, Entry entry, Oracle oracle, byte[] bytes, byte[] hostBytes, int[] regs, int eflags,
             int seed, int patchOffset, byte[] patch, byte[] fpuImage) {
        this(number, entry, oracle, bytes, hostBytes, regs, eflags, seed, patchOffset, patch, fpuImage, null,
                entry.undefinedFlags);
    }

    DiffCase(int number, Entry entry, Oracle oracle, byte[] bytes, byte[] hostBytes, int[] regs, int eflags,
             int seed, int patchOffset, byte[] patch, byte[] fpuImage, Entry producer, int undefinedFlags) {
        this.number = number;
        this.entry = entry;
        this.oracle = oracle;
        this.bytes = bytes;
        this.hostBytes = hostBytes;
        this.regs = regs;
        this.eflags = eflags;
        this.seed = seed;
        this.patchOffset = patchOffset;
        this.patch = patch;
        this.fpuImage = fpuImage;
        this.producer = producer;
        this.undefinedFlags = undefinedFlags;
    }

    /** How many instructions the case runs back to back: 1, or 2 for a sequence case. */
    public int steps() {
        return producer == null ? 1 : 2;
    }

    /** Where the model places the instruction: it ends where the harness's does. */
    public int eip() {
        return Protocol.CODE_END - bytes.length;
    }

    /** True when an operand-size prefix precedes the opcode. */
    public boolean operandSize16() {
        for (byte b : bytes) {
            int v = b & 0xFF;
            if (v == 0x66) return true;
            if (v != 0x67 && v != 0x26 && v != 0x2E && v != 0x36 && v != 0x3E && v != 0x64 && v != 0x65
                    && v != 0xF0 && v != 0xF2 && v != 0xF3) {
                return false;
            }
        }
        return false;
    }

    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("case #%d  %s  bytes [%s]", number, producer == null ? entry : "sequence: " + producer
                + "  then  " + entry, hex(bytes)));
        if (oracle == Oracle.HOST && !java.util.Arrays.equals(bytes, hostBytes)) {
            s.append(String.format("  (host bytes [%s])", hex(hostBytes)));
        }
        s.append("  oracle ").append(oracle).append('\n');
        s.append(String.format("  initial: eip=%08x eflags=%08x memseed=%08x buffer=%08x%n", eip(), eflags, seed, oracle.bufferBase));
        s.append("  ").append(Registers.format(regs)).append('\n');
        if (patch != null) s.append(String.format("  memory patch at buffer+%04x: [%s]%n", patchOffset, hex(patch)));
        if (fpuImage != null) s.append("  x87 image: [").append(hex(fpuImage)).append("]\n");
        return s.toString();
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < b.length; k++) {
            if (k > 0) s.append(' ');
            s.append(String.format("%02x", b[k] & 0xFF));
        }
        return s.toString();
    }
}
