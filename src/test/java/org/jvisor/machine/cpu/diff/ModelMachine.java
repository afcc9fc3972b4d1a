package org.jvisor.machine.cpu.diff;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/**
 * The processor model set up like a Linux user process the harness runs in: protected
 * mode with paging, CPL 3, flat segments with the selectors qemu-i386's Linux gives a
 * program (CS 0x23, DS/ES/SS 0x2B, FS null, GS 0x33), and only the oracle's data buffer,
 * the code region and a private x87 scratch page mapped, so a stray access faults in the
 * model where it faults in the harness. Runs exactly one instruction per case (two for a
 * sequence case), each stepped alone.
 */
final class ModelMachine {
    static final int PAGE_DIR = 0x1000, GDT = 0x4000, SCRATCH = 0x00400000;
    static final int FPU_IN = SCRATCH, FPU_OUT = SCRATCH + 0x200, SETUP_CODE = SCRATCH + 0x1000;
    static final int USER_CS = 0x23, USER_DS = 0x2B, USER_GS = 0x33;
    private static final int PTE_USER_RW = 0x7;
    private static final int AR_CODE = 0xC0FB, AR_DATA = 0xC0F3;
    /** frstor [FPU_IN] ; fnsave [FPU_OUT], each at its own address. */
    private static final byte[] FRSTOR = {(byte) 0xDD, 0x25, 0, 0, 0x40, 0};
    private static final byte[] FNSAVE = {(byte) 0xDD, 0x35, 0, 0x02, 0x40, 0};

    final PhysicalMemory mem = new PhysicalMemory(8 << 20);
    final Cpu cpu = new Cpu(mem, new PortBus());
    private Oracle mapped;

    /** What the model did with one case. */
    record Outcome(Exit exit, int eip, int[] regs, int eflags, int[] sregs, byte[] buffer, byte[] fpuImage, String setupProblem) { }

    ModelMachine() {
        cpu.interceptExceptions = true;
        buildTables();
        byte[] fill = new byte[0x10000];
        java.util.Arrays.fill(fill, (byte) 0xCC);
        mem.load(Protocol.CODE_BASE, fill);
        mem.load(SETUP_CODE, FRSTOR);
        mem.load(SETUP_CODE + 8, FNSAVE);
    }

    private void buildTables() {
        mem.write32(PAGE_DIR, 0x2000 | PTE_USER_RW);
        mem.write32(PAGE_DIR + 4, 0x3000 | PTE_USER_RW);
        for (int a = Protocol.CODE_BASE; a < Protocol.CODE_BASE + 0x10000; a += 0x1000) map(a, true);
        for (int a = SCRATCH; a < SCRATCH + 0x2000; a += 0x1000) map(a, true);
        mem.write32(0x2000 + (GDT >>> 12) * 4, GDT | 0x3); // the GDT: present, supervisor
        // GDT: null, then flat ring-3 descriptors at the indices of qemu-i386's selectors.
        descriptor(USER_CS, AR_CODE);
        descriptor(USER_DS, AR_DATA);
        descriptor(USER_GS, AR_DATA);
    }

    private void map(int linear, boolean present) {
        int pt = linear >>> 22 == 0 ? 0x2000 : 0x3000;
        mem.write32(pt + ((linear >>> 12) & 0x3FF) * 4, present ? linear | PTE_USER_RW : 0);
    }

    private void descriptor(int selector, int ar) {
        int at = GDT + (selector & ~7);
        mem.write32(at, 0x0000FFFF);
        mem.write32(at + 4, 0x000F0000 | (ar << 8));
    }

    /** Maps the data buffer of the case's oracle (and unmaps the other one). */
    private void mapBuffer(Oracle oracle) {
        if (mapped == oracle) return;
        for (Oracle o : Oracle.values()) {
            for (int a = 0; a < Protocol.BUFFER_SIZE; a += 0x1000) map(o.bufferBase + a, o == oracle);
        }
        mapped = oracle;
        cpu.paging.flushAll();
    }

    /** Puts the processor in the user-process state with the case's registers and flags. */
    private void enter(DiffCase c) {
        cpu.reset();
        cpu.cr0 = Cpu.CR0_PE | Cpu.CR0_PG | Cpu.CR0_ET | Cpu.CR0_NE | Cpu.CR0_MP | Cpu.CR0_WP;
        cpu.cr3 = PAGE_DIR;
        cpu.gdtBase = GDT;
        cpu.gdtLimit = 0x7F;
        cpu.cpl = 3;
        cpu.setSegment(Seg.CS, USER_CS, 0, 0xFFFFFFFF, AR_CODE);
        for (int s : new int[] {Seg.ES, Seg.SS, Seg.DS}) cpu.setSegment(s, USER_DS, 0, 0xFFFFFFFF, AR_DATA);
        cpu.setSegment(Seg.FS, 0, 0, 0, 0);
        cpu.setSegment(Seg.GS, USER_GS, 0, 0xFFFFFFFF, AR_DATA);
        cpu.refreshSegments();
        cpu.paging.flushAll();
        System.arraycopy(c.regs, 0, cpu.r, 0, 8);
        cpu.setEflags(c.eflags | Flags.FIXED_ONE);
        mapped = null;
        mapBuffer(c.oracle);
    }

    Outcome run(DiffCase c) {
        enter(c);
        byte[] initial = Protocol.initialBuffer(c);
        mem.load(c.oracle.bufferBase, initial);
        mem.load(c.eip(), c.bytes);
        if (c.fpuImage != null) {
            mem.load(FPU_IN, c.fpuImage);
            Exit e = step(SETUP_CODE);
            if (!(e instanceof Exit.BudgetExhausted)) return setupFailed(c, "frstor before the instruction gave " + e);
        }
        Exit exit = step(c.eip());
        for (int k = 1; k < c.steps() && exit instanceof Exit.BudgetExhausted; k++) exit = step(cpu.eip);
        int eip = cpu.eip;
        int[] regs = cpu.r.clone();
        int flags = cpu.getEflags();
        int[] sregs = java.util.Arrays.copyOf(cpu.segSel, 6);
        byte[] buffer = new byte[Protocol.BUFFER_SIZE];
        mem.copyOut(c.oracle.bufferBase, buffer, 0, buffer.length);
        byte[] fpu = null;
        if (c.fpuImage != null && exit instanceof Exit.BudgetExhausted) {
            Exit e = step(SETUP_CODE + 8);
            if (!(e instanceof Exit.BudgetExhausted)) return setupFailed(c, "fnsave after the instruction gave " + e);
            fpu = new byte[Protocol.FPU_IMAGE];
            mem.copyOut(FPU_OUT, fpu, 0, fpu.length);
        }
        mem.load(c.eip(), ccs(c.bytes.length));
        return new Outcome(exit, eip, regs, flags, sregs, buffer, fpu, null);
    }

    private static byte[] ccs(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0xCC);
        return b;
    }

    private Outcome setupFailed(DiffCase c, String why) {
        mem.load(c.eip(), ccs(c.bytes.length));
        return new Outcome(null, cpu.eip, cpu.r.clone(), cpu.getEflags(), new int[6], new byte[0], null, why);
    }

    /** Runs exactly one instruction at {@code eip}: the interrupt shadow makes run() step once. */
    private Exit step(int eip) {
        cpu.eip = eip;
        cpu.halted = false;
        cpu.interruptShadow = true;
        return cpu.run(1);
    }
}
