package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * SYSENTER and SYSEXIT (SDM Vol. 2; Vol. 3A 5.8.7): fast ring 0 / ring 3 transitions that
 * load flat segment caches computed from IA32_SYSENTER_CS without reading any descriptor.
 * SYSCALL/SYSRET do not exist on a P6 and stay undefined (#UD).
 */
public final class Sysenter {
    private Sysenter() { }

    /** Flat 4 GiB, 32-bit, accessed: code execute/read and data read/write, at DPL 0 and 3. */
    static final int CODE_AR_DPL0 = 0xC09B, DATA_AR_DPL0 = 0xC093, CODE_AR_DPL3 = 0xC0FB, DATA_AR_DPL3 = 0xC0F3;

    public static void register(OpcodeTable t) {
        int flow = Entry.ENDS_BLOCK | Entry.BRANCH;
        t.def(0x134, "sysenter", "").exec(Sysenter::sysenter).attrs(flow).add();
        t.def(0x135, "sysexit", "").exec(Sysenter::sysexit).attrs(flow | Entry.PRIVILEGED).add();
    }

    /**
     * SYSENTER: #GP(0) in real mode or when SYSENTER_CS is null. Clears VM, IF and RF; CS =
     * SYSENTER_CS (RPL cleared), SS = CS + 8, both flat at DPL 0; ESP and EIP from the MSRs.
     */
    static void sysenter(Cpu cpu, Insn i) {
        int cs = cpu.sysenterCs & 0xFFFC;
        if (!cpu.isProtectedMode() || cs == 0) throw cpu.fault(Vectors.GP, 0);
        cpu.setEflags(cpu.getEflags() & ~(Flags.VM | Flags.IF | Flags.RF));
        cpu.cpl = 0;
        cpu.setSegment(Seg.CS, cs, 0, 0xFFFFFFFF, CODE_AR_DPL0);
        cpu.setSegment(Seg.SS, cs + 8, 0, 0xFFFFFFFF, DATA_AR_DPL0);
        cpu.r[Reg.ESP] = cpu.sysenterEsp;
        cpu.nextEip = cpu.sysenterEip;
        cpu.endBlock = true;
    }

    /**
     * SYSEXIT: #GP(0) unless protected mode at CPL 0 with a non-null SYSENTER_CS. CS =
     * SYSENTER_CS + 16, SS = + 24, both RPL 3 and flat at DPL 3; EIP = EDX, ESP = ECX.
     */
    static void sysexit(Cpu cpu, Insn i) {
        int base = cpu.sysenterCs & 0xFFFC;
        if (!cpu.isProtectedMode() || cpu.isV86() || cpu.cpl != 0 || base == 0) throw cpu.fault(Vectors.GP, 0);
        cpu.cpl = 3;
        cpu.setSegment(Seg.CS, (base + 16) | 3, 0, 0xFFFFFFFF, CODE_AR_DPL3);
        cpu.setSegment(Seg.SS, (base + 24) | 3, 0, 0xFFFFFFFF, DATA_AR_DPL3);
        cpu.r[Reg.ESP] = cpu.r[Reg.ECX];
        cpu.nextEip = cpu.r[Reg.EDX];
        cpu.endBlock = true;
    }
}
