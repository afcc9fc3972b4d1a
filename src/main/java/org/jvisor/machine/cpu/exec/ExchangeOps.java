package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.ZF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.LazyFlags;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Exchanges (SDM Vol. 2 XCHG, CMPXCHG, XADD, CMPXCHG8B). Memory forms read with write
 * intent, write memory, then registers, then flags. XCHG with memory is locked whether or
 * not LOCK is given (a single processor model sees no difference). CMPXCHG and CMPXCHG8B
 * write the destination back even when the comparison fails, as the SDM describes.
 */
final class ExchangeOps {
    private ExchangeOps() { }

    static void register(OpcodeTable t) {
        t.def(0x86, "xchg", "Eb,Gb").exec(ExchangeOps::xchg8).attrs(Entry.LOCKABLE).add();
        t.def(0x87, "xchg", "Ev,Gv").exec(ExchangeOps::xchg16, ExchangeOps::xchg32).attrs(Entry.LOCKABLE).add();
        for (int n = 1; n < 8; n++) {
            t.def(0x90 + n, "xchg", "Zv,eAX").exec(ExchangeOps::xchgAx16, ExchangeOps::xchgAx32).add();
        }
        t.def(0x1B0, "cmpxchg", "Eb,Gb").exec(ExchangeOps::cmpxchg8).attrs(Entry.LOCKABLE).add();
        t.def(0x1B1, "cmpxchg", "Ev,Gv").exec(ExchangeOps::cmpxchg16, ExchangeOps::cmpxchg32).attrs(Entry.LOCKABLE).add();
        t.def(0x1C0, "xadd", "Eb,Gb").exec(ExchangeOps::xadd8).attrs(Entry.LOCKABLE).add();
        t.def(0x1C1, "xadd", "Ev,Gv").exec(ExchangeOps::xadd16, ExchangeOps::xadd32).attrs(Entry.LOCKABLE).add();
        t.def(0x1C7, 1, "cmpxchg8b", "Mq").exec(ExchangeOps::cmpxchg8b).attrs(Entry.LOCKABLE | Entry.MEM_ONLY).add();
    }

    // --- XCHG --------------------------------------------------------------------------------

    static void xchg8(Cpu cpu, Insn i) {
        xchg(cpu, i, 8);
    }

    static void xchg16(Cpu cpu, Insn i) {
        xchg(cpu, i, 16);
    }

    static void xchg32(Cpu cpu, Insn i) {
        xchg(cpu, i, 32);
    }

    private static void xchg(Cpu cpu, Insn i, int width) {
        int g = Operand.reg(cpu, i.reg, width);
        int e;
        if (i.mod == 3) {
            e = Operand.reg(cpu, i.rm, width);
            Operand.setReg(cpu, i.rm, width, g);
        } else {
            int lin = Rmw.linear(cpu, i, width >>> 3);
            e = Operand.readLinear(cpu, lin, width);
            Operand.writeLinear(cpu, lin, width, g);
        }
        Operand.setReg(cpu, i.reg, width, e);
    }

    static void xchgAx16(Cpu cpu, Insn i) {
        int n = i.opcode & 7, v = cpu.r[n];
        cpu.setReg16(n, cpu.r[0]);
        cpu.setReg16(0, v);
    }

    static void xchgAx32(Cpu cpu, Insn i) {
        int n = i.opcode & 7, v = cpu.r[n];
        cpu.r[n] = cpu.r[0];
        cpu.r[0] = v;
    }

    // --- CMPXCHG: compare the accumulator with the destination (flags as CMP) ----------------

    static void cmpxchg8(Cpu cpu, Insn i) {
        cmpxchg(cpu, i, 8, LazyFlags.W8);
    }

    static void cmpxchg16(Cpu cpu, Insn i) {
        cmpxchg(cpu, i, 16, LazyFlags.W16);
    }

    static void cmpxchg32(Cpu cpu, Insn i) {
        cmpxchg(cpu, i, 32, LazyFlags.W32);
    }

    private static void cmpxchg(Cpu cpu, Insn i, int width, int w) {
        int acc = Operand.reg(cpu, 0, width);
        int src = Operand.reg(cpu, i.reg, width);
        int dest;
        boolean equal;
        if (i.mod == 3) {
            dest = Operand.reg(cpu, i.rm, width);
            equal = acc == dest;
            if (equal) Operand.setReg(cpu, i.rm, width, src);
        } else {
            int lin = Rmw.linear(cpu, i, width >>> 3);
            dest = Operand.readLinear(cpu, lin, width);
            equal = acc == dest;
            Operand.writeLinear(cpu, lin, width, equal ? src : dest);
        }
        if (!equal) Operand.setReg(cpu, 0, width, dest);
        cpu.setLazy(LazyFlags.SUB << 2 | w, acc, dest, acc - dest);
    }

    // --- XADD: dest = dest + src, src = old dest (flags as ADD) --------------------------------

    static void xadd8(Cpu cpu, Insn i) {
        xadd(cpu, i, 8, LazyFlags.W8);
    }

    static void xadd16(Cpu cpu, Insn i) {
        xadd(cpu, i, 16, LazyFlags.W16);
    }

    static void xadd32(Cpu cpu, Insn i) {
        xadd(cpu, i, 32, LazyFlags.W32);
    }

    private static void xadd(Cpu cpu, Insn i, int width, int w) {
        int src = Operand.reg(cpu, i.reg, width);
        int dest, sum;
        if (i.mod == 3) {
            dest = Operand.reg(cpu, i.rm, width);
            sum = dest + src;
            Operand.setReg(cpu, i.reg, width, dest);
            Operand.setReg(cpu, i.rm, width, sum);
        } else {
            int lin = Rmw.linear(cpu, i, width >>> 3);
            dest = Operand.readLinear(cpu, lin, width);
            sum = dest + src;
            Operand.writeLinear(cpu, lin, width, sum);
            Operand.setReg(cpu, i.reg, width, dest);
        }
        cpu.setLazy(LazyFlags.ADD << 2 | w, dest, src, sum);
    }

    // --- CMPXCHG8B m64: compare EDX:EAX, store ECX:EBX or load EDX:EAX; only ZF changes ---------

    static void cmpxchg8b(Cpu cpu, Insn i) {
        int lin = Rmw.linear(cpu, i, 8);
        // Both halves are read with write intent first, so neither write can fault afterwards.
        int lo = Rmw.read32(cpu, lin), hi = Rmw.read32(cpu, lin + 4);
        boolean equal = lo == cpu.r[0] && hi == cpu.r[2];
        Rmw.write32(cpu, lin, equal ? cpu.r[3] : lo);
        Rmw.write32(cpu, lin + 4, equal ? cpu.r[1] : hi);
        if (!equal) {
            cpu.r[0] = lo;
            cpu.r[2] = hi;
        }
        ArithFlags.set(cpu, ZF, equal ? ZF : 0);
    }
}
