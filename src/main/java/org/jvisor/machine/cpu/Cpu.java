package org.jvisor.machine.cpu;

import org.jvisor.machine.cpu.decode.Decoder;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.system.Interrupts;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/**
 * One IA-32 (P6-class) processor: its architectural state, memory access through
 * segmentation and paging, and the run loop over decoded blocks.
 *
 * <p>Fields are public so the instruction families (other packages) reach them without
 * accessor overhead on the hot path; the invariants are documented where they matter.
 */
public final class Cpu {
    // CR0/CR4 bits (SDM Vol. 3A 2.5).
    public static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20;
    public static final int CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1 << 31;
    public static final int CR4_VME = 1, CR4_PVI = 2, CR4_TSD = 4, CR4_DE = 8, CR4_PSE = 0x10, CR4_PAE = 0x20;
    public static final int CR4_MCE = 0x40, CR4_PGE = 0x80, CR4_PCE = 0x100;

    // Segment access rights as cached: descriptor high dword bits 8-23, shifted down by 8.
    public static final int AR_TYPE = 0xF, AR_S = 0x10, AR_P = 0x80, AR_DB = 0x4000, AR_G = 0x8000;

    /** Event kinds for {@link Interrupts#deliver}: what pushed return address and checks apply. */
    public static final int EVENT_FAULT = 0, EVENT_TRAP = 1, EVENT_SOFTWARE = 2, EVENT_EXTERNAL = 3;

    public final PhysicalMemory mem;
    public final PortBus ports;
    public final Paging paging;
    private final Decoder decoder;
    private final BlockCache blocks = new BlockCache();

    // --- general state ------------------------------------------------------------------
    /** EAX..EDI by ModRM number. */
    public final int[] r = new int[8];
    /** Address of the instruction being executed (faults report it). */
    public int eip;
    /** Address of the next instruction; branches assign it. */
    public int nextEip;
    /** EFLAGS except the six arithmetic flags while {@link #lazyOp} is not NONE. */
    public int eflags = Flags.FIXED_ONE;
    public int lazyOp, lazyA, lazyB, lazyRes;
    public int cpl;

    // --- segments: ES CS SS DS FS GS LDTR TR ------------------------------------------------
    public final int[] segSel = new int[8], segBase = new int[8], segLimit = new int[8], segAr = new int[8];
    /** Derived from the cache: allowed offset range and access, checked on every access. */
    final int[] segLo = new int[8], segHi = new int[8];
    final boolean[] segRead = new boolean[8], segWrite = new boolean[8];

    // --- system registers -----------------------------------------------------------------
    public int cr0 = CR0_ET, cr2, cr3, cr4;
    public final int[] dr = new int[8];
    public int gdtBase, gdtLimit, idtBase, idtLimit;
    /** TSC offset: the counter reads retired instructions x ratio + tsc (system.Tsc); SYSENTER and APIC MSRs. */
    public long tsc;
    public int sysenterCs, sysenterEsp, sysenterEip;
    public long apicBase = 0xFEE00900L;
    /** The other MSRs (MTRRs, performance counters ...), owned by the system package. */
    public final org.jvisor.machine.cpu.system.MsrFile msrs = new org.jvisor.machine.cpu.system.MsrFile();

    /** The x87 unit's state, owned by the fpu package. */
    public final org.jvisor.machine.cpu.fpu.FpuState fpu = new org.jvisor.machine.cpu.fpu.FpuState();

    // --- execution control ----------------------------------------------------------------
    /** Exceptions leave as {@link Exit.Exception} instead of going through the IDT (hypervisor modes). */
    public boolean interceptExceptions;
    public InterruptController pic = InterruptController.NONE;
    public boolean halted;
    /** Interrupts are held off for one instruction after STI, MOV SS and POP SS (SDM 6.8.3). */
    public boolean interruptShadow;
    /** Set by an instruction that changes how following code runs; the block ends after it. */
    public boolean endBlock;
    private volatile boolean stopRequested;
    /**
     * Bumped whenever the meaning of an EIP may change: a CS load, a mode change or any TLB
     * invalidation. Block chains are valid only within one epoch.
     */
    int codeEpoch;
    /** An exit raised inside an instruction (an intercepted INT n); returned after the block. */
    private Exit pendingExit;
    private Block current;
    private final CpuFault fault = new CpuFault();
    private final Insn single = new Insn();

    /**
     * Compiles blocks entered this many times to bytecode; null compiler = interpret only.
     * System property {@code jvisor.compile=false} turns compilation off (for comparisons).
     */
    private final org.jvisor.machine.cpu.compile.BlockCompiler compiler =
            Boolean.parseBoolean(System.getProperty("jvisor.compile", "true"))
                    ? new org.jvisor.machine.cpu.compile.BlockCompiler() : null;
    public int compileThreshold = Integer.getInteger("jvisor.compile.threshold", 2000);

    // --- counters -------------------------------------------------------------------------
    public long instructions;
    public long blocksDecoded;

    public Cpu(PhysicalMemory mem, PortBus ports) {
        this.mem = mem;
        this.ports = ports;
        this.paging = new Paging(this, mem);
        this.decoder = new Decoder(Isa.table(), Isa.undefined());
        mem.setCodeWriteListener(this::codeWritten);
        reset();
    }

    // =======================================================================================
    // Reset and simple state set-up
    // =======================================================================================

    /** Power-on state (SDM Vol. 3A 9.1.1, Table 9-1): real mode at F000:FFF0. */
    public void reset() {
        java.util.Arrays.fill(r, 0);
        r[Reg.EDX] = 0x0633; // family 6, model 3 (Pentium II)
        eflags = Flags.FIXED_ONE;
        lazyOp = LazyFlags.NONE;
        cr0 = CR0_ET | CR0_CD | CR0_NW;
        cr2 = cr3 = cr4 = 0;
        java.util.Arrays.fill(dr, 0);
        dr[6] = 0xFFFF0FF0;
        dr[7] = 0x400;
        gdtBase = idtBase = 0;
        gdtLimit = idtLimit = 0xFFFF;
        for (int s = 0; s < 8; s++) setSegment(s, 0, 0, 0xFFFF, s == Seg.CS ? 0x9B : 0x93);
        setSegment(Seg.CS, 0xF000, 0xFFFF0000, 0xFFFF, 0x9B);
        setSegment(Seg.LDTR, 0, 0, 0xFFFF, 0x82);
        setSegment(Seg.TR, 0, 0, 0xFFFF, 0x8B);
        eip = 0xFFF0;
        cpl = 0;
        halted = false;
        interruptShadow = false;
        fpu.reset();
        msrs.reset();
        org.jvisor.machine.cpu.system.Tsc.set(this, 0); // the TSC restarts at 0 (SDM Vol. 3A 17.17)
        paging.flushAll();
        blocks.clear();
    }

    /**
     * The state a Multiboot loader hands over (Multiboot 0.6.96 section 3.2): protected mode,
     * paging off, flat 4 GiB code and data segments, CPL 0, interrupts off. The selectors
     * (0x08 code, 0x10 data) are placeholders; the kernel loads its own GDT.
     */
    public void enterFlatProtectedMode() {
        cr0 = (cr0 | CR0_PE) & ~(CR0_PG | CR0_CD | CR0_NW);
        setSegment(Seg.CS, 0x08, 0, 0xFFFFFFFF, 0xC09B);
        for (int s : new int[] {Seg.ES, Seg.SS, Seg.DS, Seg.FS, Seg.GS}) setSegment(s, 0x10, 0, 0xFFFFFFFF, 0xC093);
        cpl = 0;
        setEflags(Flags.FIXED_ONE);
        paging.flushAll();
    }

    /** Loads a segment register's hidden cache directly (reset, loaders, system instructions). */
    public void setSegment(int seg, int selector, int base, int limit, int ar) {
        if (seg == Seg.CS) codeEpoch++;
        segSel[seg] = selector & 0xFFFF;
        segBase[seg] = base;
        segLimit[seg] = limit;
        segAr[seg] = ar;
        refreshSegment(seg);
    }

    /** Recomputes one segment's access checks from its cache and the processor mode. */
    public void refreshSegment(int seg) {
        int ar = segAr[seg], limit = segLimit[seg];
        boolean pm = isProtectedMode() && !isV86();
        segLo[seg] = 0;
        segHi[seg] = limit;
        if (!pm) {
            segRead[seg] = segWrite[seg] = true;
            return;
        }
        boolean code = (ar & 8) != 0;
        boolean usable = (ar & AR_P) != 0 && (ar & AR_S) != 0 && (seg == Seg.CS || seg == Seg.SS || (segSel[seg] & ~3) != 0);
        segRead[seg] = usable && (!code || (ar & 2) != 0);
        segWrite[seg] = usable && !code && (ar & 2) != 0;
        if (!code && (ar & 4) != 0) { // expand-down (SDM 3.4.5.1)
            segLo[seg] = limit + 1;
            segHi[seg] = (ar & AR_DB) != 0 ? 0xFFFFFFFF : 0xFFFF;
        }
    }

    /** Recomputes every segment's checks after a mode change (CR0.PE, EFLAGS.VM). */
    public void refreshSegments() {
        codeEpoch++;
        for (int s = 0; s < 6; s++) refreshSegment(s);
    }

    public boolean isProtectedMode() {
        return (cr0 & CR0_PE) != 0;
    }

    public boolean isV86() {
        return (eflags & Flags.VM) != 0;
    }

    /** CS default size (D bit) in protected mode; 16 bits in real and virtual-8086 mode. */
    public boolean code32() {
        return isProtectedMode() && !isV86() && (segAr[Seg.CS] & AR_DB) != 0;
    }

    public boolean stack32() {
        return (segAr[Seg.SS] & AR_DB) != 0 && isProtectedMode() && !isV86();
    }

    // =======================================================================================
    // Flags
    // =======================================================================================

    /** The full EFLAGS value (materializes lazy arithmetic flags). */
    public int getEflags() {
        if (lazyOp == LazyFlags.NONE) return eflags;
        return (eflags & ~Flags.ARITH) | LazyFlags.compute(lazyOp, lazyA, lazyB, lazyRes, eflags);
    }

    /** Sets EFLAGS wholesale; the caller applies any privilege masking first. */
    public void setEflags(int value) {
        int old = eflags;
        eflags = (value & Flags.IMPLEMENTED) | Flags.FIXED_ONE;
        lazyOp = LazyFlags.NONE;
        if (((old ^ eflags) & Flags.VM) != 0) refreshSegments();
        endBlock = true;
    }

    /** Replaces the six arithmetic flags, leaving the others. */
    public void setArithFlags(int arith) {
        int f = getEflags();
        eflags = (f & ~Flags.ARITH) | (arith & Flags.ARITH);
        lazyOp = LazyFlags.NONE;
    }

    /** Records a lazily evaluated flag result (kind from {@link LazyFlags}). */
    public void setLazy(int op, int a, int b, int res) {
        if ((op >>> 2) == LazyFlags.INC || (op >>> 2) == LazyFlags.DEC) {
            eflags = (eflags & ~Flags.CF) | LazyFlags.carry(this);
        }
        lazyOp = op;
        lazyA = a;
        lazyB = b;
        lazyRes = res;
    }

    public boolean flag(int mask) {
        return (getEflags() & mask) != 0;
    }

    /** Evaluates condition code cc (SDM Vol. 1 Appendix B, Table B-1). */
    public boolean condition(int cc) {
        return LazyFlags.condition(this, cc);
    }

    // =======================================================================================
    // Faults
    // =======================================================================================

    /** Prepares the reusable fault for {@code throw}: {@code throw cpu.fault(Vectors.GP, 0)}. */
    public CpuFault fault(int vector, int errorCode) {
        fault.vector = vector;
        fault.errorCode = errorCode;
        fault.hasErrorCode = Vectors.hasErrorCode(vector);
        return fault;
    }

    public CpuFault fault(int vector) {
        return fault(vector, 0);
    }

    /** Stops the processor: triple fault or an unrecoverable state. */
    public CpuShutdown shutdown(String reason) {
        return new CpuShutdown(reason);
    }

    // =======================================================================================
    // Registers
    // =======================================================================================

    public int reg8(int n) {
        return n < 4 ? r[n] & 0xFF : (r[n - 4] >>> 8) & 0xFF;
    }

    public void setReg8(int n, int v) {
        if (n < 4) r[n] = (r[n] & 0xFFFFFF00) | (v & 0xFF);
        else r[n - 4] = (r[n - 4] & 0xFFFF00FF) | ((v & 0xFF) << 8);
    }

    public int reg16(int n) {
        return r[n] & 0xFFFF;
    }

    public void setReg16(int n, int v) {
        r[n] = (r[n] & 0xFFFF0000) | (v & 0xFFFF);
    }

    // =======================================================================================
    // Memory: segment checks, then linear access through paging
    // =======================================================================================

    /** The effective (offset) address of a ModRM memory operand. */
    public int ea(Insn i) {
        int a = i.disp;
        if (i.base >= 0) a += r[i.base];
        if (i.index >= 0) a += r[i.index] << i.scale;
        return i.addr32 ? a : a & 0xFFFF;
    }

    /** Segment check for a data access (SDM 5.3, 5.5); returns the linear address. */
    public int linear(int seg, int off, int size, boolean write) {
        if (!(write ? segWrite[seg] : segRead[seg])
                || Integer.compareUnsigned(off, segLo[seg]) < 0
                || Integer.compareUnsigned(off + size - 1, segHi[seg]) > 0
                || (Integer.compareUnsigned(off + size - 1, off) < 0 && segHi[seg] != -1)) {
            throw segmentFault(seg);
        }
        int lin = segBase[seg] + off;
        if (cpl == 3 && (lin & (size - 1)) != 0) checkAlignment(size);
        return lin;
    }

    /**
     * #AC(0) for a misaligned CPL 3 data reference with CR0.AM and EFLAGS.AC set (SDM Vol. 3A
     * 6.15, interrupt 17; Table 6-7: words on 2, dwords on 4, quadwords on 8 bytes).
     */
    private void checkAlignment(int size) {
        if ((size == 2 || size == 4 || size == 8) && (cr0 & CR0_AM) != 0 && (eflags & Flags.AC) != 0) {
            throw fault(Vectors.AC, 0);
        }
    }

    private CpuFault segmentFault(int seg) {
        return fault(seg == Seg.SS ? Vectors.SS : Vectors.GP, 0);
    }

    /** Paging access bits for an ordinary data access at the current privilege level. */
    public int accessBits(boolean write) {
        return (write ? Paging.WRITE : 0) | (cpl == 3 ? Paging.USER : 0);
    }

    public int read8(int seg, int off) {
        return readLinear8(linear(seg, off, 1, false), accessBits(false));
    }

    public int read16(int seg, int off) {
        return readLinear16(linear(seg, off, 2, false), accessBits(false));
    }

    public int read32(int seg, int off) {
        return readLinear32(linear(seg, off, 4, false), accessBits(false));
    }

    public void write8(int seg, int off, int v) {
        writeLinear8(linear(seg, off, 1, true), v, accessBits(true));
    }

    public void write16(int seg, int off, int v) {
        writeLinear16(linear(seg, off, 2, true), v, accessBits(true));
    }

    public void write32(int seg, int off, int v) {
        writeLinear32(linear(seg, off, 4, true), v, accessBits(true));
    }

    public int readLinear8(int lin, int access) {
        return mem.read8(paging.translate(lin, access));
    }

    public int readLinear16(int lin, int access) {
        if ((lin & 0xFFF) != 0xFFF) return mem.read16(paging.translate(lin, access));
        return readLinear8(lin, access) | readLinear8(lin + 1, access) << 8;
    }

    public int readLinear32(int lin, int access) {
        if ((lin & 0xFFF) <= 0xFFC) return mem.read32(paging.translate(lin, access));
        int v = 0;
        for (int k = 0; k < 4; k++) v |= readLinear8(lin + k, access) << (8 * k);
        return v;
    }

    public void writeLinear8(int lin, int v, int access) {
        mem.write8(paging.translate(lin, access | Paging.WRITE), v);
    }

    public void writeLinear16(int lin, int v, int access) {
        if ((lin & 0xFFF) != 0xFFF) {
            mem.write16(paging.translate(lin, access | Paging.WRITE), v);
        } else {
            writeSplit(lin, v, 2, access);
        }
    }

    public void writeLinear32(int lin, int v, int access) {
        if ((lin & 0xFFF) <= 0xFFC) {
            mem.write32(paging.translate(lin, access | Paging.WRITE), v);
        } else {
            writeSplit(lin, v, 4, access);
        }
    }

    /** A write across a page boundary: both pages are checked before either is written. */
    private void writeSplit(int lin, int v, int size, int access) {
        int firstLen = 0x1000 - (lin & 0xFFF);
        int p1 = paging.translate(lin, access | Paging.WRITE);
        int p2 = paging.translate(lin + firstLen, access | Paging.WRITE);
        for (int k = 0; k < size; k++) {
            int p = k < firstLen ? p1 + k : p2 + (k - firstLen);
            mem.write8(p, v >>> (8 * k));
        }
    }

    // ModRM operand helpers ----------------------------------------------------------------

    public int readE8(Insn i) {
        return i.mod == 3 ? reg8(i.rm) : read8(i.seg, ea(i));
    }

    public int readE16(Insn i) {
        return i.mod == 3 ? r[i.rm] & 0xFFFF : read16(i.seg, ea(i));
    }

    public int readE32(Insn i) {
        return i.mod == 3 ? r[i.rm] : read32(i.seg, ea(i));
    }

    public void writeE8(Insn i, int v) {
        if (i.mod == 3) setReg8(i.rm, v);
        else write8(i.seg, ea(i), v);
    }

    public void writeE16(Insn i, int v) {
        if (i.mod == 3) setReg16(i.rm, v);
        else write16(i.seg, ea(i), v);
    }

    public void writeE32(Insn i, int v) {
        if (i.mod == 3) r[i.rm] = v;
        else write32(i.seg, ea(i), v);
    }

    // Stack (SDM 6.2: SS.B selects ESP or SP) ------------------------------------------------

    public void push16(int v) {
        int sp = r[Reg.ESP] - 2;
        if (stack32()) {
            write16(Seg.SS, sp, v);
            r[Reg.ESP] = sp;
        } else {
            write16(Seg.SS, sp & 0xFFFF, v);
            setReg16(Reg.ESP, sp);
        }
    }

    public void push32(int v) {
        int sp = r[Reg.ESP] - 4;
        if (stack32()) {
            write32(Seg.SS, sp, v);
            r[Reg.ESP] = sp;
        } else {
            write32(Seg.SS, sp & 0xFFFF, v);
            setReg16(Reg.ESP, sp);
        }
    }

    public int pop16() {
        int v = read16(Seg.SS, stackTop());
        adjustEsp(2);
        return v;
    }

    public int pop32() {
        int v = read32(Seg.SS, stackTop());
        adjustEsp(4);
        return v;
    }

    /** The offset of the top of stack (ESP or SP). */
    public int stackTop() {
        return stack32() ? r[Reg.ESP] : r[Reg.ESP] & 0xFFFF;
    }

    public void adjustEsp(int delta) {
        if (stack32()) r[Reg.ESP] += delta;
        else setReg16(Reg.ESP, r[Reg.ESP] + delta);
    }

    // =======================================================================================
    // Run loop
    // =======================================================================================

    /** Asks run() to return {@link Exit.StopRequested} after the current instruction; any thread. */
    public void requestStop() {
        stopRequested = true;
        endBlock = true;
    }

    /**
     * Runs until an exit. At most about {@code budget} instructions retire (a block in flight
     * completes). Never lets a Java exception escape for anything the guest does.
     */
    public Exit run(long budget) {
        long end = instructions + budget;
        Block last = null;
        while (true) {
            if (pendingExit != null) {
                Exit e = pendingExit;
                pendingExit = null;
                return e;
            }
            if (stopRequested) {
                stopRequested = false;
                return Exit.STOP_REQUESTED;
            }
            try {
                if (!interruptShadow && (eflags & Flags.IF) != 0 && pic.hasInterrupt()) {
                    halted = false;
                    last = null;
                    Exit e = externalInterrupt(pic.acknowledge());
                    if (e != null) return e;
                }
                if (halted) return Exit.HALTED;
                if (instructions >= end) return Exit.BUDGET_EXHAUSTED;
                if (interruptShadow || (eflags & (Flags.TF | Flags.RF)) != 0) {
                    last = null;
                    stepOne();
                } else {
                    Block b = last == null ? null : last.successor(eip, codeEpoch);
                    if (b == null) {
                        b = fetchBlock();
                        if (last != null) last.link(eip, codeEpoch, b);
                    }
                    last = b;
                    runBlock(b);
                }
            } catch (CpuFault f) {
                last = null;
                // Delivery runs outside the try above: a triple fault or a bug in it must not escape.
                try {
                    Exit e = exception(f.vector, f.errorCode, f.hasErrorCode);
                    if (e != null) return e;
                } catch (CpuShutdown s) {
                    return new Exit.Shutdown(s.getMessage());
                } catch (RuntimeException bug) {
                    return new Exit.Shutdown("internal error delivering " + f.getMessage() + ": " + bug);
                }
            } catch (CpuShutdown s) {
                return new Exit.Shutdown(s.getMessage());
            } catch (RuntimeException | StackOverflowError bug) {
                return new Exit.Shutdown("internal error at " + String.format("%08x", eip) + ": " + bug);
            }
        }
    }

    private void runBlock(Block b) {
        current = b;
        endBlock = false;
        if (b.compiled != null) {
            b.compiled.run(this);
        } else {
            if (++b.executions == compileThreshold && compiler != null && b.cacheable) {
                b.compiled = compiler.compile(b.insns, b.ipMask);
            }
            interpret(b);
        }
        current = null;
    }

    private void interpret(Block b) {
        int mask = b.ipMask;
        for (Insn i : b.insns) {
            nextEip = (eip + i.length) & mask;
            i.exec.run(this, i);
            eip = nextEip;
            instructions++;
            if (endBlock) break;
        }
    }

    /** One instruction outside the block cache: interrupt shadow, single-step (TF). */
    private void stepOne() {
        boolean trap = (eflags & Flags.TF) != 0;
        interruptShadow = false;
        // RF (set in fault frames, restored by IRET) lasts for one instruction (SDM 17.3.1.1).
        eflags &= ~Flags.RF;
        decodeAt(eip, single, code32());
        nextEip = (eip + single.length) & (code32() ? -1 : 0xFFFF);
        endBlock = false;
        single.exec.run(this, single);
        eip = nextEip;
        instructions++;
        // MOV SS and POP SS hold off the single-step trap until after the next instruction
        // (SDM Vol. 3A 6.8.3); STI's shadow holds off only external interrupts.
        boolean ssShadow = interruptShadow && (single.opcode == 0x8E || single.opcode == 0x17);
        if (trap && !ssShadow) {
            dr[6] |= 0x4000; // BS: single-step trap (SDM 17.2.3)
            Exit e = deliver(Vectors.DB, 0, false, EVENT_TRAP);
            if (e != null) pendingExit = e; // intercepted: the owner sees #DB with EIP past the instruction
        }
    }

    private Exit exception(int vector, int errorCode, boolean hasErrorCode) {
        halted = false;
        interruptShadow = false;
        return deliver(vector, errorCode, hasErrorCode, EVENT_FAULT);
    }

    private Exit externalInterrupt(int vector) {
        return deliver(vector, 0, false, EVENT_EXTERNAL);
    }

    /**
     * Delivers an event: as an exit when intercepting, else through the IDT or IVT.
     * Software interrupts (INT n, INT3, INTO) call this too, with EVENT_SOFTWARE.
     */
    public Exit deliver(int vector, int errorCode, boolean hasErrorCode, int kind) {
        if (interceptExceptions && kind != EVENT_EXTERNAL) {
            return new Exit.Exception(vector, errorCode, hasErrorCode, kind == EVENT_SOFTWARE);
        }
        Interrupts.deliver(this, vector, errorCode, hasErrorCode, kind);
        return null;
    }

    /**
     * INT n, INT3, INTO, INT1 from inside an instruction. When intercepting, the exit is
     * returned after this instruction with EIP past it; otherwise the event goes through
     * the IDT/IVT with software-interrupt checks, and delivery sets eip and nextEip.
     */
    public void softwareInterrupt(int vector) {
        if (interceptExceptions) {
            pendingExit = new Exit.Exception(vector, 0, false, true);
            endBlock = true;
            return;
        }
        Interrupts.deliver(this, vector, 0, false, EVENT_SOFTWARE);
        endBlock = true;
    }

    // =======================================================================================
    // Blocks
    // =======================================================================================

    /** Mode bits that change how bytes decode or what a block means: CS.D and CPL. */
    private int mode() {
        return (code32() ? 1 : 0) | cpl << 1;
    }

    private Block fetchBlock() {
        int cs = Seg.CS;
        if (Integer.compareUnsigned(eip, segLimit[cs]) > 0) throw fault(Vectors.GP, 0);
        int lin = segBase[cs] + eip;
        int phys = paging.translate(lin, cpl == 3 ? Paging.USER | Paging.FETCH : Paging.FETCH);
        long key = BlockCache.key(phys, mode());
        Block b = blocks.get(key);
        if (b != null && (b.secondPage < 0 || sameSecondPage(b, lin))) return b;
        b = decodeBlock(lin, phys, key);
        if (b.insns.length > 0) {
            if ((phys & 0xFFF) + b.byteLength > 0x1000) {
                // An instruction running onto the next page (blocks stop there, so it is the only
                // one): cached too, else it is decoded again on every execution. Decoding just
                // translated that page, so this lookup hits the TLB and cannot fault.
                b.secondPage = paging.translate(nextPage(lin), fetchAccess()) >>> 12;
                mem.markCode(b.secondPage);
            }
            b.cacheable = true;
            blocks.put(b);
            mem.markCode(phys >>> 12);
        }
        return b;
    }

    private int fetchAccess() {
        return cpl == 3 ? Paging.USER | Paging.FETCH : Paging.FETCH;
    }

    private static int nextPage(int lin) {
        return (lin & ~0xFFF) + 0x1000;
    }

    /**
     * Whether a cached two-page block still holds the bytes decoding would read now: the
     * instruction lies inside CS without wrapping and its second page maps to the same frame
     * (writes to either frame drop the block). Otherwise the caller decodes again, which raises
     * the exact fault. The translation here is the one decoding would do for the first byte on
     * the second page, with the same #PF, CR2 and accessed bit.
     */
    private boolean sameSecondPage(Block b, int lin) {
        int last = eip + b.byteLength - 1;
        if (Integer.compareUnsigned(last, eip) < 0 || (!code32() && last > 0xFFFF)) return false;
        if (Integer.compareUnsigned(last, segLimit[Seg.CS]) > 0) return false;
        return paging.translate(nextPage(lin), fetchAccess()) >>> 12 == b.secondPage;
    }

    private static final int MAX_BLOCK = 64;

    private Block decodeBlock(int lin, int phys, long key) {
        java.util.ArrayList<Insn> list = new java.util.ArrayList<>();
        int off = 0;
        boolean code32 = code32();
        int csLimitLeft = segLimit[Seg.CS] - eip; // bytes after eip allowed: limit - eip (inclusive)
        int pageLeft = 0x1000 - (phys & 0xFFF);
        while (list.size() < MAX_BLOCK) {
            Insn insn = new Insn();
            final int start = off;
            if (list.isEmpty()) {
                decodeAt(eip, insn, code32);
            } else {
                try {
                    decoder.decode(k -> {
                        int o = start + k;
                        if (o >= pageLeft || Integer.compareUnsigned(o, csLimitLeft) > 0) throw Decoder.UNAVAILABLE;
                        return mem.read8(phys + o);
                    }, code32, insn);
                } catch (RuntimeException e) {
                    if (e == Decoder.UNAVAILABLE || e == Decoder.TOO_LONG) break;
                    throw e;
                }
            }
            list.add(insn);
            off += insn.length;
            if (insn.entry.has(org.jvisor.machine.cpu.decode.Entry.ENDS_BLOCK) || off >= pageLeft) break;
        }
        blocksDecoded++;
        return new Block(key, phys >>> 12, list.toArray(new Insn[0]), off, code32 ? -1 : 0xFFFF);
    }

    /** Decodes the instruction at an EIP with architectural fetch faults (#PF, #GP). */
    private void decodeAt(int at, Insn out, boolean code32) {
        int base = segBase[Seg.CS], limit = segLimit[Seg.CS];
        int access = cpl == 3 ? Paging.USER | Paging.FETCH : Paging.FETCH;
        try {
            decoder.decode(k -> {
                int o = at + k;
                if (!code32) o &= 0xFFFF;
                if (Integer.compareUnsigned(o, limit) > 0) throw fault(Vectors.GP, 0);
                return mem.read8(paging.translate(base + o, access));
            }, code32, out);
        } catch (RuntimeException e) {
            if (e == Decoder.TOO_LONG) throw fault(Vectors.GP, 0);
            throw e;
        }
    }

    private void codeWritten(int page) {
        blocks.invalidatePage(page);
        if (current != null && (current.physicalPage == page || current.secondPage == page)) endBlock = true;
    }

    /** Drops every decoded block (tests, mode switches the cache key does not capture). */
    public void flushBlocks() {
        blocks.clear();
    }

    public int cachedBlocks() {
        return blocks.size();
    }

    public long compiledBlocks() {
        return compiler == null ? 0 : compiler.compiledBlocks();
    }

    public long blockInvalidations() {
        return blocks.invalidations;
    }
}
