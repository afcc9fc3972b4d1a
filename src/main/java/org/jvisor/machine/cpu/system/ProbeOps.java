package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Instructions that inspect a selector without loading it and report through ZF: LAR, LSL,
 * VERR, VERW (SDM Vol. 3A 5.10) and ARPL (5.10.4). None is privileged; all see the real
 * CPL, which is why a deprivileged kernel can tell where it runs. #UD in real and
 * virtual-8086 mode.
 */
public final class ProbeOps {
    private ProbeOps() { }

    /** System types LAR accepts (SDM Vol. 2 LAR, Table 3-52): TSSs, LDT, call and task gates. */
    private static final int LAR_SYSTEM_TYPES = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 9 | 1 << 0xB | 1 << 0xC;
    /** System types LSL accepts (SDM Vol. 2 LSL, Table 3-60): TSSs and LDT, no gates. */
    private static final int LSL_SYSTEM_TYPES = 1 << 1 | 1 << 2 | 1 << 3 | 1 << 9 | 1 << 0xB;
    /** Bits LAR returns: type, S, DPL, P, AVL, D/B, G. Bits 19:16 are undefined; like qemu we return 0. */
    private static final int LAR_MASK32 = 0x00F0FF00, LAR_MASK16 = 0xFF00;
    private static final int CODE = 8, CONFORMING = 4, READABLE = 2, WRITABLE = 2;

    public static void register(OpcodeTable t) {
        int probe = Entry.SENSITIVE;
        t.def(0x102, "lar", "Gv,Ew").exec(ProbeOps::lar16, ProbeOps::lar32).attrs(probe).add();
        t.def(0x103, "lsl", "Gv,Ew").exec(ProbeOps::lsl16, ProbeOps::lsl32).attrs(probe).add();
        t.def(0x100, 4, "verr", "Ew").exec(ProbeOps::verr).attrs(probe).add();
        t.def(0x100, 5, "verw", "Ew").exec(ProbeOps::verw).attrs(probe).add();
        t.def(0x63, "arpl", "Ew,Gw").exec(ProbeOps::arpl).attrs(Entry.NOT_IN_LONG_MODE).add();
    }

    /** Sentinel for "no usable descriptor": null selector or outside its table. */
    private static final long NONE = 0;

    /**
     * The descriptor a selector names, or NONE for a null selector or one beyond the table
     * limit (these only clear ZF). Reading the table may still page-fault, as on hardware.
     */
    private static long fetch(Cpu cpu, int sel) {
        if ((sel & 0xFFFC) == 0) return NONE;
        long addr = Descriptors.address(cpu, sel);
        if (addr < 0) return NONE;
        int lo = cpu.readLinear32((int) addr, 0);
        int hi = cpu.readLinear32((int) addr + 4, 0);
        return (lo & 0xFFFFFFFFL) | ((long) hi << 32);
    }

    /** DPL must be >= CPL and >= RPL unless the segment is conforming code (SDM 5.10.1). */
    private static boolean visible(Cpu cpu, long d, int sel) {
        int type = Descriptors.type(d);
        boolean conforming = Descriptors.codeOrData(d) && (type & (CODE | CONFORMING)) == (CODE | CONFORMING);
        int dpl = Descriptors.dpl(d);
        return conforming || (dpl >= cpu.cpl && dpl >= (sel & 3));
    }

    /** Descriptor accepted by LAR/LSL (type table and visibility), else NONE. */
    private static long accepted(Cpu cpu, int sel, int systemTypes) {
        long d = fetch(cpu, sel);
        if (d == NONE) return NONE;
        if (!Descriptors.codeOrData(d) && (systemTypes & (1 << Descriptors.type(d))) == 0) return NONE;
        return visible(cpu, d, sel) ? d : NONE;
    }

    private static void setZf(Cpu cpu, boolean z) {
        int f = cpu.getEflags();
        cpu.setArithFlags(z ? f | Flags.ZF : f & ~Flags.ZF);
    }

    // --- LAR / LSL ------------------------------------------------------------------------------

    static void lar16(Cpu cpu, Insn i) {
        lar(cpu, i, LAR_MASK16);
    }

    static void lar32(Cpu cpu, Insn i) {
        lar(cpu, i, LAR_MASK32);
    }

    /** SDM Vol. 2 LAR: on success the masked high dword and ZF=1; else ZF=0, destination kept. */
    private static void lar(Cpu cpu, Insn i, int mask) {
        SystemOps.requireProtectedMode(cpu);
        int sel = cpu.readE16(i);
        long d = accepted(cpu, sel, LAR_SYSTEM_TYPES);
        if (d != NONE) {
            int v = Descriptors.high(d) & mask;
            if (mask == LAR_MASK16) cpu.setReg16(i.reg, v);
            else cpu.r[i.reg] = v;
        }
        setZf(cpu, d != NONE);
    }

    static void lsl16(Cpu cpu, Insn i) {
        lsl(cpu, i, false);
    }

    static void lsl32(Cpu cpu, Insn i) {
        lsl(cpu, i, true);
    }

    /** SDM Vol. 2 LSL: the byte-granular limit (scaled by G); a 16-bit destination takes its low half. */
    private static void lsl(Cpu cpu, Insn i, boolean op32) {
        SystemOps.requireProtectedMode(cpu);
        int sel = cpu.readE16(i);
        long d = accepted(cpu, sel, LSL_SYSTEM_TYPES);
        if (d != NONE) {
            int limit = Descriptors.limit(d);
            if (op32) cpu.r[i.reg] = limit;
            else cpu.setReg16(i.reg, limit);
        }
        setZf(cpu, d != NONE);
    }

    // --- VERR / VERW ----------------------------------------------------------------------------

    /** SDM Vol. 2 VERR: a code or data segment, readable, visible (conforming code: any DPL). */
    static void verr(Cpu cpu, Insn i) {
        SystemOps.requireProtectedMode(cpu);
        int sel = cpu.readE16(i);
        long d = fetch(cpu, sel);
        boolean ok = d != NONE && Descriptors.codeOrData(d);
        if (ok) {
            int type = Descriptors.type(d);
            boolean readable = (type & CODE) == 0 || (type & READABLE) != 0;
            ok = readable && visible(cpu, d, sel);
        }
        setZf(cpu, ok);
    }

    /** SDM Vol. 2 VERW: a writable data segment with DPL >= CPL and DPL >= RPL. */
    static void verw(Cpu cpu, Insn i) {
        SystemOps.requireProtectedMode(cpu);
        int sel = cpu.readE16(i);
        long d = fetch(cpu, sel);
        boolean ok = d != NONE && Descriptors.codeOrData(d);
        if (ok) {
            int type = Descriptors.type(d);
            ok = (type & CODE) == 0 && (type & WRITABLE) != 0 && visible(cpu, d, sel);
        }
        setZf(cpu, ok);
    }

    // --- ARPL -------------------------------------------------------------------------------------

    /**
     * SDM Vol. 2 ARPL: raises the destination selector's RPL to the source's, ZF=1 when it
     * did. Always 16-bit. A memory destination is read-modify-write: write access is
     * checked up front, and memory is written only when the RPL changes.
     */
    static void arpl(Cpu cpu, Insn i) {
        SystemOps.requireProtectedMode(cpu);
        int src = cpu.reg16(i.reg);
        if (i.mod == 3) {
            int dst = cpu.reg16(i.rm);
            boolean adjust = (dst & 3) < (src & 3);
            if (adjust) cpu.setReg16(i.rm, (dst & ~3) | (src & 3));
            setZf(cpu, adjust);
            return;
        }
        int lin = cpu.linear(i.seg, cpu.ea(i), 2, true);
        int access = cpu.accessBits(true);
        int dst = cpu.readLinear16(lin, access);
        boolean adjust = (dst & 3) < (src & 3);
        if (adjust) cpu.writeLinear16(lin, (dst & ~3) | (src & 3), access);
        setZf(cpu, adjust);
    }
}
