package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Flags;

/**
 * Every condition code (SETcc, so Jcc/CMOVcc evaluate the same way) read straight after
 * each lazily-flagged instruction at each width, against flags computed here from the SDM
 * definitions with wide arithmetic: CF = carry/borrow out of the top bit, OF = signed
 * overflow, and the predicates of SDM Vol. 1 Appendix B, Table B-1.
 */
class AluConditionTest {
    private static final String[] OPS = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp",
        "inc", "dec", "neg", "test"};
    private static final int[] EDGES = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000,
        0xFFFFFFFF, 0x0F, 0x10};
    private final AluTestRig m = new AluTestRig();

    @Test
    void conditionsAfterEveryLazyOperation() {
        Random rnd = new Random(2);
        List<int[]> pairs = new ArrayList<>();
        for (int a : EDGES) for (int b : EDGES) pairs.add(new int[] {a, b});
        for (int k = 0; k < 60; k++) pairs.add(new int[] {rnd.nextInt(), rnd.nextInt()});
        for (int op = 0; op < OPS.length; op++) {
            for (int width : new int[] {8, 16, 32}) {
                for (int[] p : pairs) {
                    check(op, width, p[0], p[1], rnd.nextBoolean());
                }
            }
        }
    }

    private void check(int op, int width, int a, int b, boolean carryIn) {
        m.cpu.r[0] = a;
        m.cpu.r[3] = b;
        m.setFlags(carryIn ? Flags.CF : 0);
        List<Integer> code = new ArrayList<>();
        if (width == 16) code.add(0x66);
        int wide = width == 8 ? 0 : 1;
        switch (op) {
            case 8 -> { code.add(0xFE | wide); code.add(0xC0); }         // inc eax
            case 9 -> { code.add(0xFE | wide); code.add(0xC8); }         // dec eax
            case 10 -> { code.add(0xF6 | wide); code.add(0xD8); }        // neg eax
            case 11 -> { code.add(0x84 | wide); code.add(0xD8); }        // test eax, ebx
            default -> { code.add(op << 3 | wide); code.add(0xD8); }     // op eax, ebx
        }
        for (int cc = 0; cc < 16; cc++) {
            code.addAll(List.of(0x0F, 0x90 + cc, 0x05, cc, 0x80, 0x00, 0x00)); // setcc [0x8000 + cc]
        }
        m.ok(code.stream().mapToInt(Integer::intValue).toArray());
        int flags = referenceFlags(op, width, a, b, carryIn);
        for (int k = 0; k < 16; k++) {
            final int cc = k;
            int expected = condition(flags, cc) ? 1 : 0;
            assertEquals(expected, m.cpu.mem.read8(0x8000 + cc), () -> String.format(
                    "%s%d a=%08x b=%08x cf=%b flags=%03x cc=%d", OPS[op], width, a, b, carryIn, flags, cc));
        }
    }

    /** CF ZF SF OF PF of the operation, from the SDM definitions. */
    private static int referenceFlags(int op, int width, int a, int b, boolean carryIn) {
        long mask = (1L << width) - 1, sign = 1L << (width - 1);
        long ua = a & mask, ub = b & mask, c = carryIn ? 1 : 0;
        long r;
        boolean cf, of;
        switch (OPS[op]) {
            case "add", "adc" -> {
                long ci = OPS[op].equals("adc") ? c : 0;
                r = ua + ub + ci;
                cf = r > mask;
                of = signed(ua, width) + signed(ub, width) + ci != signed(r & mask, width);
            }
            case "sub", "sbb", "cmp" -> {
                long bi = OPS[op].equals("sbb") ? c : 0;
                r = ua - ub - bi;
                cf = ua < ub + bi;
                of = signed(ua, width) - signed(ub, width) - bi != signed(r & mask, width);
            }
            case "inc" -> {
                r = ua + 1;
                cf = carryIn;
                of = signed(ua, width) + 1 != signed(r & mask, width);
            }
            case "dec" -> {
                r = ua - 1;
                cf = carryIn;
                of = signed(ua, width) - 1 != signed(r & mask, width);
            }
            case "neg" -> {
                r = -ua;
                cf = ua != 0;
                of = -signed(ua, width) != signed(r & mask, width);
            }
            default -> { // logic and test
                r = switch (OPS[op]) {
                    case "or" -> ua | ub;
                    case "xor" -> ua ^ ub;
                    default -> ua & ub;
                };
                cf = false;
                of = false;
            }
        }
        r &= mask;
        int f = (cf ? Flags.CF : 0) | (of ? Flags.OF : 0);
        if (r == 0) f |= Flags.ZF;
        if ((r & sign) != 0) f |= Flags.SF;
        if (Long.bitCount(r & 0xFF) % 2 == 0) f |= Flags.PF;
        return f;
    }

    private static long signed(long v, int width) {
        return v << (64 - width) >> (64 - width);
    }

    /** SDM Vol. 1 Table B-1. */
    private static boolean condition(int f, int cc) {
        boolean cf = (f & Flags.CF) != 0, zf = (f & Flags.ZF) != 0, sf = (f & Flags.SF) != 0;
        boolean of = (f & Flags.OF) != 0, pf = (f & Flags.PF) != 0;
        boolean v = switch (cc >> 1) {
            case 0 -> of;
            case 1 -> cf;
            case 2 -> zf;
            case 3 -> cf || zf;
            case 4 -> sf;
            case 5 -> pf;
            case 6 -> sf != of;
            default -> zf || sf != of;
        };
        return v != ((cc & 1) != 0);
    }
}
