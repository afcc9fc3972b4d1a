package org.jvisor.machine.cpu.diff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The harness's record formats (tests/harness/harness.c, struct case_in and case_out) and
 * the buffer fill both sides compute from a case's seed.
 */
public final class Protocol {
    public static final int MAGIC_IN = 0x4344564A, MAGIC_OUT = 0x5244564A;
    public static final int BUFFER_SIZE = 0x2000;
    public static final int CODE_BASE = 0x00300000, CODE_END = CODE_BASE + 0x8000;
    public static final int MAX_CODE = 24, PATCH_SIZE = 16, FPU_IMAGE = 108;
    public static final int FLAG_FPU = 1, FLAG_PATCH = 2;
    public static final int IN_SIZE = 16 + MAX_CODE + 36 + 4 + PATCH_SIZE + FPU_IMAGE;
    public static final int OUT_HEADER = 16 + 36 + 24 + FPU_IMAGE + 4;
    /** Host signal numbers (Linux x86). */
    public static final int SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11, SIGALRM = 14;

    private Protocol() { }

    /** Fills a buffer exactly as harness.c fill() does: xorshift32, one word at a time. */
    public static void fill(byte[] buf, int seed) {
        int x = seed != 0 ? seed : 0x9E3779B9;
        for (int k = 0; k < BUFFER_SIZE; k += 4) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            buf[k] = (byte) x;
            buf[k + 1] = (byte) (x >>> 8);
            buf[k + 2] = (byte) (x >>> 16);
            buf[k + 3] = (byte) (x >>> 24);
        }
    }

    /** The initial buffer of a case: the seeded fill, then the patch. */
    public static byte[] initialBuffer(DiffCase c) {
        byte[] buf = new byte[BUFFER_SIZE];
        fill(buf, c.seed);
        if (c.patch != null) System.arraycopy(c.patch, 0, buf, c.patchOffset, PATCH_SIZE);
        return buf;
    }

    public static void encode(DiffCase c, ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        byte[] code = c.oracle == Oracle.HOST ? c.hostBytes : c.bytes;
        out.putInt(MAGIC_IN);
        out.putInt((c.fpuImage != null ? FLAG_FPU : 0) | (c.patch != null ? FLAG_PATCH : 0));
        out.putInt(c.seed);
        out.putInt(code.length);
        out.put(code).put(new byte[MAX_CODE - code.length]);
        for (int k = 0; k < 8; k++) out.putInt(c.regs[k]);
        out.putInt(c.eflags);
        out.putInt(c.patchOffset);
        out.put(c.patch != null ? c.patch : new byte[PATCH_SIZE]);
        out.put(c.fpuImage != null ? c.fpuImage : new byte[FPU_IMAGE]);
    }

    /** One result record as the harness reported it. */
    public record Result(int signal, int eip, int faultAddress, int[] regs, int eflags, int[] sregs, byte[] fpuImage,
                         int[] diffs) {
        /** The buffer after the instruction: the initial buffer with the reported changes applied. */
        public byte[] finalBuffer(byte[] initial) {
            byte[] b = initial.clone();
            for (int d : diffs) b[d >>> 8] = (byte) d;
            return b;
        }
    }

    public static Result decode(ByteBuffer header, int[] diffs) {
        header.order(ByteOrder.LITTLE_ENDIAN);
        if (header.getInt() != MAGIC_OUT) throw new IllegalStateException("harness output out of step");
        int signal = header.getInt(), eip = header.getInt(), addr = header.getInt();
        int[] regs = new int[8];
        for (int k = 0; k < 8; k++) regs[k] = header.getInt();
        int eflags = header.getInt();
        int[] sregs = new int[6];
        for (int k = 0; k < 6; k++) sregs[k] = header.getInt();
        byte[] fpu = new byte[FPU_IMAGE];
        header.get(fpu);
        return new Result(signal, eip, addr, regs, eflags, sregs, fpu, diffs);
    }
}
