package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.junit.jupiter.api.Test;

/**
 * REP MOVS/STOS against a direct reading of the SDM operation (one element at a time:
 * DEST := SRC, then both indices move by the element size in the DF direction, 16-bit
 * indices wrapping within 64 KiB), over random sizes, directions, address sizes, counts
 * and overlapping buffers. The model's page-run fast path must give the same bytes.
 */
class StringRepReferenceTest {
    private static final int REGION = 0x40000, SPAN = 0x10000;

    @Test
    void randomMovsAndStosMatchElementwiseReference() {
        Random rnd = new Random(20261124);
        for (int n = 0; n < 150; n++) {
            int size = 1 << rnd.nextInt(3);
            boolean stos = rnd.nextInt(3) == 0, a16 = rnd.nextInt(3) == 0, df = rnd.nextInt(4) == 0;
            int count = rnd.nextInt(3000);
            int si = rnd.nextInt(SPAN), di = rnd.nextBoolean() ? si + rnd.nextInt(9) - 4 : rnd.nextInt(SPAN);
            if (!a16) {
                si = Math.floorMod(si, SPAN - 4 * 3000) + (df ? 4 * 3000 : 0);
                di = Math.floorMod(di, SPAN - 4 * 3000) + (df ? 4 * 3000 : 0);
            }
            check(rnd, size, stos, a16, df, count, si & 0xFFFF, di & 0xFFFF, "case " + n + " size " + size
                    + (stos ? " stos" : " movs") + (a16 ? " a16" : "") + (df ? " std" : "") + " count " + count
                    + String.format(" si %x di %x", si & 0xFFFF, di & 0xFFFF));
        }
    }

    private static void check(Random rnd, int size, boolean stos, boolean a16, boolean df, int count,
            int si, int di, String what) {
        FlowRig m = new FlowRig();
        int[] code = new int[3];
        int len = 0;
        if (a16) code[len++] = 0x67;
        code[len++] = 0xF3;
        code[len++] = (stos ? 0xAA : 0xA4) + (size == 1 ? 0 : 1);
        m.code(java.util.Arrays.copyOf(code, len));
        if (size == 2) m.code(prefix16(java.util.Arrays.copyOf(code, len)));
        // The index wraps at 64 KiB, an element does not: one at offset 0xFFFD reaches 0x10000.
        byte[] before = new byte[SPAN + 4];
        rnd.nextBytes(before);
        m.mem.load(REGION, before);
        for (int s : new int[] {Seg.DS, Seg.ES}) m.cpu.setSegment(s, 0x10, REGION, 0xFFFFFFFF, 0xC093);
        if (df) m.cpu.setEflags(Flags.FIXED_ONE | Flags.DF);
        int eax = rnd.nextInt();
        m.cpu.r[Reg.EAX] = eax;
        m.cpu.r[Reg.ESI] = si;
        m.cpu.r[Reg.EDI] = di;
        m.cpu.r[Reg.ECX] = count;
        m.runToEnd(FlowRig.CODE + len + (size == 2 ? 1 : 0));

        byte[] expected = before.clone();
        int step = df ? -size : size, mask = a16 ? 0xFFFF : -1;
        int s = si, d = di;
        for (int k = 0; k < count; k++) {
            int v = eax; // the element is read whole, then written (SRC to a temporary, then DEST)
            if (!stos) {
                v = 0;
                for (int b = 0; b < size; b++) v |= (expected[s + b] & 0xFF) << (8 * b);
            }
            for (int b = 0; b < size; b++) expected[d + b] = (byte) (v >>> (8 * b));
            if (!stos) s = (s + step) & mask;
            d = (d + step) & mask;
        }
        byte[] actual = new byte[SPAN + 4];
        m.mem.copyOut(REGION, actual, 0, actual.length);
        assertArrayEquals(expected, actual, what + " bytes");
        assertEquals(0, m.cpu.r[Reg.ECX], what + " count");
        assertEquals(d, m.cpu.r[Reg.EDI] & mask, what + " EDI");
        if (!stos) assertEquals(s, m.cpu.r[Reg.ESI] & mask, what + " ESI");
    }

    private static int[] prefix16(int[] code) {
        int[] out = new int[code.length + 1];
        out[0] = 0x66;
        System.arraycopy(code, 0, out, 1, code.length);
        return out;
    }
}
