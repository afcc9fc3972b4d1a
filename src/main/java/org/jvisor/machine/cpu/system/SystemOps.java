package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * The privileged miscellany: HLT, CLI/STI, INVD/WBINVD, UD2, RSM, and the registration of
 * the system families that live in their own files (CPUID, MSRs, TSC, SYSENTER/SYSEXIT,
 * descriptor probes).
 */
public final class SystemOps {
    private SystemOps() { }

    public static void register(OpcodeTable t) {
        t.def(0xF4, "hlt", "").exec(SystemOps::hlt).attrs(Entry.PRIVILEGED | Entry.ENDS_BLOCK).add();
        // CLI/STI trap only when CPL > IOPL; a deprivileged kernel runs with IOPL < its CPL.
        t.def(0xFA, "cli", "").exec(SystemOps::cli).attrs(Entry.PRIVILEGED | Entry.ENDS_BLOCK).add();
        t.def(0xFB, "sti", "").exec(SystemOps::sti).attrs(Entry.PRIVILEGED | Entry.ENDS_BLOCK).add();
        t.def(0x108, "invd", "").exec(SystemOps::invalidateCaches).attrs(Entry.PRIVILEGED).add();
        t.def(0x109, "wbinvd", "").exec(SystemOps::invalidateCaches).attrs(Entry.PRIVILEGED).add();
        t.def(0x10B, "ud2", "").exec(SystemOps::ud2).attrs(Entry.ENDS_BLOCK).add();
        t.def(0x1AA, "rsm", "").exec(SystemOps::rsm).attrs(Entry.ENDS_BLOCK).add();
        Cpuid.register(t);
        Msrs.register(t);
        Tsc.register(t);
        Sysenter.register(t);
        ProbeOps.register(t);
    }

    /**
     * #GP(0) unless the instruction may run: CPL 0 in protected mode, or real mode
     * (CPL is 0 there); never in virtual-8086 mode (SDM Vol. 3A 5.9, 20.2.7).
     */
    static void requireCpl0(Cpu cpu) {
        if (cpu.cpl != 0 || cpu.isV86()) throw cpu.fault(Vectors.GP, 0);
    }

    /** #UD for the instructions that exist only in protected mode (LLDT, LAR, VERR, ARPL ...). */
    static void requireProtectedMode(Cpu cpu) {
        if (!cpu.isProtectedMode() || cpu.isV86()) throw cpu.fault(Vectors.UD);
    }

    /** SDM Vol. 2 HLT: #GP(0) unless CPL 0; the processor stops until an interrupt. */
    static void hlt(Cpu cpu, Insn i) {
        requireCpl0(cpu);
        cpu.halted = true;
        cpu.endBlock = true;
    }

    /**
     * SDM Vol. 2 CLI/STI, Table 3-7 without VME/PVI (this CPU does not report VME, and CR4
     * refuses those bits): real mode always; protected mode when CPL <= IOPL; virtual-8086
     * mode when IOPL = 3; otherwise #GP(0).
     */
    private static void checkIopl(Cpu cpu) {
        if (!cpu.isProtectedMode()) return;
        int iopl = (cpu.eflags & Flags.IOPL) >>> 12;
        if (cpu.isV86() ? iopl != 3 : cpu.cpl > iopl) throw cpu.fault(Vectors.GP, 0);
    }

    static void cli(Cpu cpu, Insn i) {
        checkIopl(cpu);
        cpu.eflags &= ~Flags.IF; // IF is never lazy: eflags holds it directly
        cpu.endBlock = true;
    }

    /** STI holds interrupts off for one more instruction, but only when it sets IF (SDM Vol. 2 STI). */
    static void sti(Cpu cpu, Insn i) {
        checkIopl(cpu);
        if ((cpu.eflags & Flags.IF) == 0) cpu.interruptShadow = true;
        cpu.eflags |= Flags.IF;
        cpu.endBlock = true;
    }

    /** INVD/WBINVD: privileged; no caches are modelled, so nothing else happens (SDM Vol. 2 INVD). */
    static void invalidateCaches(Cpu cpu, Insn i) {
        requireCpl0(cpu);
    }

    /** UD2 always raises #UD (SDM Vol. 2 UD). */
    static void ud2(Cpu cpu, Insn i) {
        throw cpu.fault(Vectors.UD);
    }

    /** RSM: the processor is never in system-management mode here, so #UD (SDM Vol. 2 RSM). */
    static void rsm(Cpu cpu, Insn i) {
        throw cpu.fault(Vectors.UD);
    }
}
