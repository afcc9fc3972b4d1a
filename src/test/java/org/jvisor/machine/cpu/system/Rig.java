package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/**
 * A protected-mode test machine built in memory the way a kernel would: a GDT, an IDT,
 * a 32-bit TSS, ring 0/1/3 flat code and data segments, paging off. Descriptor bytes are
 * assembled here from the SDM formats (Vol. 3A Figures 3-8, 5-8, 6-2, 7-3), independently
 * of the code under test.
 */
final class Rig {
    static final int GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, TSS2 = 0x3800, CODE = 0x10000;
    static final int STACK0 = 0x9000, STACK1 = 0x8800, STACK3 = 0x8000;
    // Selectors.
    static final int CODE0 = 0x08, DATA0 = 0x10, CODE3 = 0x1B, DATA3 = 0x23, TSS_SEL = 0x28;
    static final int CODE1 = 0x31, DATA1 = 0x39, TSS2_SEL = 0x40;
    /** Free GDT slots for tests: 0x48 .. 0xF8. */
    static final int FREE = 0x48;

    final Cpu cpu;
    final PhysicalMemory mem;

    Rig() {
        mem = new PhysicalMemory(1 << 20);
        cpu = new Cpu(mem, new PortBus());
        cpu.enterFlatProtectedMode();
        cpu.gdtBase = GDT;
        cpu.gdtLimit = 0xFF;
        cpu.idtBase = IDT;
        cpu.idtLimit = 0x7FF;
        segment(CODE0, 0, 0xFFFFF, 0x9A, 0xC);
        segment(DATA0, 0, 0xFFFFF, 0x92, 0xC);
        segment(CODE3, 0, 0xFFFFF, 0xFA, 0xC);
        segment(DATA3, 0, 0xFFFFF, 0xF2, 0xC);
        segment(CODE1, 0, 0xFFFFF, 0xBA, 0xC);
        segment(DATA1, 0, 0xFFFFF, 0xB2, 0xC);
        segment(TSS_SEL, TSS, 0x67, 0x89, 0);
        segment(TSS2_SEL, TSS2, 0x67, 0x89, 0);
        mem.write32(TSS + 4, STACK0);
        mem.write32(TSS + 8, DATA0);
        mem.write32(TSS + 12, STACK1);
        mem.write32(TSS + 16, DATA1);
        setRing(0);
        cpu.setSegment(Seg.TR, TSS_SEL, TSS, 0x67, 0x8B);
        mem.write8(GDT + TSS_SEL + 5, 0x8B); // busy, as LTR leaves it
        cpu.eip = CODE;
    }

    /** Writes a code/data/system descriptor: access byte (P DPL S type) and flags nibble (G D/B L AVL). */
    void segment(int sel, int base, int limit, int access, int flags) {
        int lo = (base << 16) | (limit & 0xFFFF);
        int hi = (base >>> 16 & 0xFF) | (access << 8) | (limit & 0xF0000) | (flags << 20) | (base & 0xFF000000);
        mem.write32(GDT + (sel & ~7), lo);
        mem.write32(GDT + (sel & ~7) + 4, hi);
    }

    /** A gate descriptor at a table address: type 4/C call, 5 task, 6/E interrupt, 7/F trap. */
    void gateAt(int addr, int selector, int offset, int type, int dpl, boolean present, int params) {
        mem.write32(addr, (selector << 16) | (offset & 0xFFFF));
        mem.write32(addr + 4, (offset & 0xFFFF0000) | (present ? 0x8000 : 0) | (dpl << 13) | (type << 8) | params);
    }

    void idtGate(int vector, int selector, int offset, int type, int dpl) {
        gateAt(IDT + vector * 8, selector, offset, type, dpl, true, 0);
    }

    void gdtGate(int sel, int selector, int offset, int type, int dpl, int params) {
        gateAt(GDT + (sel & ~7), selector, offset, type, dpl, true, params);
    }

    /** Runs at CPL {@code ring} (0, 1 or 3) with that ring's flat code, data and stack. */
    void setRing(int ring) {
        int code = ring == 0 ? CODE0 : ring == 1 ? CODE1 : CODE3;
        int data = ring == 0 ? DATA0 : ring == 1 ? DATA1 : DATA3;
        int codeAr = 0xC09A | ring << 5, dataAr = 0xC092 | ring << 5;
        cpu.setSegment(Seg.CS, code, 0, 0xFFFFFFFF, codeAr | 1);
        for (int s : new int[] {Seg.SS, Seg.DS, Seg.ES, Seg.FS, Seg.GS}) cpu.setSegment(s, data, 0, 0xFFFFFFFF, dataAr | 1);
        cpu.cpl = ring;
        cpu.r[Reg.ESP] = ring == 0 ? STACK0 : ring == 1 ? STACK1 : STACK3;
    }

    void code(int at, int... bytes) {
        for (int k = 0; k < bytes.length; k++) mem.write8(at + k, bytes[k]);
    }

    void flags(int f) {
        cpu.setEflags(f | Flags.FIXED_ONE);
    }

    Exit run() {
        return cpu.run(1000);
    }

    int stack(int offset) {
        return mem.read32(cpu.r[Reg.ESP] + offset);
    }

    static Exit.Exception fault(int vector, int err) {
        return new Exit.Exception(vector, err, true, false);
    }
}
