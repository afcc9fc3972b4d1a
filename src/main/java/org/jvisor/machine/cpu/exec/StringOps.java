package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.exec.StringRegs.advance;
import static org.jvisor.machine.cpu.exec.StringRegs.count;
import static org.jvisor.machine.cpu.exec.StringRegs.index;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.LazyFlags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * String instructions MOVS, CMPS, STOS, LODS, SCAS (SDM Vol. 2, and REP/REPE/REPNE).
 * The source is DS:ESI (segment override allowed), the destination always ES:EDI.
 * Repeated forms are restartable: each iteration commits ECX/ESI/EDI, so a fault leaves
 * them at the faulting element with EIP at the instruction (SDM Vol. 1 7.3.9.1 note on
 * interrupted repeats). F2 and F3 both mean REP on MOVS/STOS/LODS; on CMPS/SCAS F3 is
 * REPE and F2 REPNE.
 */
public final class StringOps {
    private StringOps() { }

    public static void register(OpcodeTable t) {
        t.def(0xA4, "movsb", "Yb,Xb").exec(StringOps::movsb).add();
        t.def(0xA5, "movs", "Yv,Xv").exec(StringOps::movs16, StringOps::movs32).add();
        t.def(0xA6, "cmpsb", "Xb,Yb").exec(StringOps::cmpsb).add();
        t.def(0xA7, "cmps", "Xv,Yv").exec(StringOps::cmps16, StringOps::cmps32).add();
        t.def(0xAA, "stosb", "Yb,AL").exec(StringOps::stosb).add();
        t.def(0xAB, "stos", "Yv,eAX").exec(StringOps::stos16, StringOps::stos32).add();
        t.def(0xAC, "lodsb", "AL,Xb").exec(StringOps::lodsb).add();
        t.def(0xAD, "lods", "eAX,Xv").exec(StringOps::lods16, StringOps::lods32).add();
        t.def(0xAE, "scasb", "AL,Yb").exec(StringOps::scasb).add();
        t.def(0xAF, "scas", "eAX,Yv").exec(StringOps::scas16, StringOps::scas32).add();
    }

    static void movsb(Cpu cpu, Insn i) {
        movs(cpu, i, 1);
    }

    static void movs16(Cpu cpu, Insn i) {
        movs(cpu, i, 2);
    }

    static void movs32(Cpu cpu, Insn i) {
        movs(cpu, i, 4);
    }

    static void cmpsb(Cpu cpu, Insn i) {
        compare(cpu, i, 1, true);
    }

    static void cmps16(Cpu cpu, Insn i) {
        compare(cpu, i, 2, true);
    }

    static void cmps32(Cpu cpu, Insn i) {
        compare(cpu, i, 4, true);
    }

    static void stosb(Cpu cpu, Insn i) {
        stos(cpu, i, 1);
    }

    static void stos16(Cpu cpu, Insn i) {
        stos(cpu, i, 2);
    }

    static void stos32(Cpu cpu, Insn i) {
        stos(cpu, i, 4);
    }

    static void lodsb(Cpu cpu, Insn i) {
        lods(cpu, i, 1);
    }

    static void lods16(Cpu cpu, Insn i) {
        lods(cpu, i, 2);
    }

    static void lods32(Cpu cpu, Insn i) {
        lods(cpu, i, 4);
    }

    static void scasb(Cpu cpu, Insn i) {
        compare(cpu, i, 1, false);
    }

    static void scas16(Cpu cpu, Insn i) {
        compare(cpu, i, 2, false);
    }

    static void scas32(Cpu cpu, Insn i) {
        compare(cpu, i, 4, false);
    }

    // --- MOVS -----------------------------------------------------------------------------

    private static void movs(Cpu cpu, Insn i, int size) {
        int d = StringRegs.delta(cpu, size);
        if (i.rep == 0) {
            movsOne(cpu, i, size, d);
            return;
        }
        int left = StringRegs.budget(cpu);
        while (true) {
            int n = count(cpu, i.addr32);
            if (n == 0) return;
            if (left == 0) {
                StringRegs.resumeLater(cpu);
                return;
            }
            int done = d > 0 ? StringFast.movs(cpu, i, size, n, left) : 0;
            if (done == 0) {
                movsOne(cpu, i, size, d);
                done = 1;
            }
            StringRegs.setCount(cpu, i.addr32, n - done);
            left -= done;
        }
    }

    private static void movsOne(Cpu cpu, Insn i, int size, int d) {
        int v = StringRegs.read(cpu, i.seg, index(cpu, i.addr32, Reg.ESI), size);
        StringRegs.write(cpu, Seg.ES, index(cpu, i.addr32, Reg.EDI), v, size);
        advance(cpu, i.addr32, Reg.ESI, d);
        advance(cpu, i.addr32, Reg.EDI, d);
    }

    // --- STOS -----------------------------------------------------------------------------

    private static void stos(Cpu cpu, Insn i, int size) {
        int d = StringRegs.delta(cpu, size);
        int v = StringRegs.accumulator(cpu, size);
        if (i.rep == 0) {
            stosOne(cpu, i, size, d, v);
            return;
        }
        int left = StringRegs.budget(cpu);
        while (true) {
            int n = count(cpu, i.addr32);
            if (n == 0) return;
            if (left == 0) {
                StringRegs.resumeLater(cpu);
                return;
            }
            int done = d > 0 ? StringFast.stos(cpu, i, size, n, left, v) : 0;
            if (done == 0) {
                stosOne(cpu, i, size, d, v);
                done = 1;
            }
            StringRegs.setCount(cpu, i.addr32, n - done);
            left -= done;
        }
    }

    private static void stosOne(Cpu cpu, Insn i, int size, int d, int v) {
        StringRegs.write(cpu, Seg.ES, index(cpu, i.addr32, Reg.EDI), v, size);
        advance(cpu, i.addr32, Reg.EDI, d);
    }

    // --- LODS -----------------------------------------------------------------------------

    private static void lods(Cpu cpu, Insn i, int size) {
        int d = StringRegs.delta(cpu, size);
        if (i.rep == 0) {
            lodsOne(cpu, i, size, d);
            return;
        }
        int left = StringRegs.budget(cpu);
        while (true) {
            int n = count(cpu, i.addr32);
            if (n == 0) return;
            if (left-- == 0) {
                StringRegs.resumeLater(cpu);
                return;
            }
            lodsOne(cpu, i, size, d);
            StringRegs.setCount(cpu, i.addr32, n - 1);
        }
    }

    private static void lodsOne(Cpu cpu, Insn i, int size, int d) {
        int v = StringRegs.read(cpu, i.seg, index(cpu, i.addr32, Reg.ESI), size);
        StringRegs.setAccumulator(cpu, v, size);
        advance(cpu, i.addr32, Reg.ESI, d);
    }

    // --- CMPS and SCAS --------------------------------------------------------------------

    /**
     * CMPS compares DS:ESI with ES:EDI, SCAS the accumulator with ES:EDI, setting the flags
     * of SUB (first minus second). REPE stops when they differ, REPNE when equal; the count
     * is decremented before the test (SDM REP/REPE/REPNE operation).
     */
    private static void compare(Cpu cpu, Insn i, int size, boolean cmps) {
        int d = StringRegs.delta(cpu, size);
        if (i.rep == 0) {
            compareOne(cpu, i, size, d, cmps);
            return;
        }
        boolean stopWhenEqual = i.rep == 2;
        int left = StringRegs.budget(cpu);
        while (true) {
            int n = count(cpu, i.addr32);
            if (n == 0) return;
            if (left-- == 0) {
                StringRegs.resumeLater(cpu);
                return;
            }
            boolean equal = compareOne(cpu, i, size, d, cmps);
            StringRegs.setCount(cpu, i.addr32, n - 1);
            if (equal == stopWhenEqual) return;
        }
    }

    /** One comparison; returns whether the elements were equal (ZF). */
    private static boolean compareOne(Cpu cpu, Insn i, int size, int d, boolean cmps) {
        int a = cmps ? StringRegs.read(cpu, i.seg, index(cpu, i.addr32, Reg.ESI), size)
                : StringRegs.accumulator(cpu, size);
        int b = StringRegs.read(cpu, Seg.ES, index(cpu, i.addr32, Reg.EDI), size);
        if (cmps) advance(cpu, i.addr32, Reg.ESI, d);
        advance(cpu, i.addr32, Reg.EDI, d);
        cpu.setLazy(LazyFlags.op(LazyFlags.SUB, StringRegs.width(size)), a, b, a - b);
        return a == b;
    }
}
