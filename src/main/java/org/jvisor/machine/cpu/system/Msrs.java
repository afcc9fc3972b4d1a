package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * RDMSR and WRMSR (SDM Vol. 2; the P6 MSRs of Vol. 4 and Vol. 3A 11.11): the registers a
 * Linux kernel touches on a Pentium II. An MSR this model does not have is #GP(0), as are
 * writes to read-only MSRs and to reserved bits. Machine-check MSRs are absent because
 * CPUID reports neither MCE nor MCA.
 */
public final class Msrs {
    private Msrs() { }

    public static final int TSC = 0x10, PLATFORM_ID = 0x17, APIC_BASE = 0x1B, BIOS_SIGN = 0x8B;
    public static final int PERF_CTR0 = 0xC1, PERF_CTR1 = 0xC2, MTRR_CAP = 0xFE;
    public static final int SYSENTER_CS = 0x174, SYSENTER_ESP = 0x175, SYSENTER_EIP = 0x176;
    public static final int PERF_EVTSEL0 = 0x186, PERF_EVTSEL1 = 0x187, MISC_ENABLE = 0x1A0;
    public static final int MTRR_PHYS_BASE0 = 0x200, MTRR_FIX_64K = 0x250, MTRR_FIX_16K_80000 = 0x258;
    public static final int MTRR_FIX_16K_A0000 = 0x259, MTRR_FIX_4K_C0000 = 0x268, MTRR_DEF_TYPE = 0x2FF;

    /** APIC base: BSP, enable, base bits 12-35 (a P6 has 36 physical address bits). */
    private static final long APIC_BASE_BITS = 0xFFFFFF000L | MsrFile.APIC_BSP | MsrFile.APIC_ENABLE;
    private static final long PHYS_BITS = 0xFFFFFF000L, MTRR_VALID = 1 << 11, DEF_TYPE_BITS = 0xCFF;

    public static void register(OpcodeTable t) {
        t.def(0x130, "wrmsr", "").exec(Msrs::wrmsr).attrs(Entry.PRIVILEGED).add();
        t.def(0x132, "rdmsr", "").exec(Msrs::rdmsr).attrs(Entry.PRIVILEGED).add();
    }

    static void rdmsr(Cpu cpu, Insn i) {
        SystemOps.requireCpl0(cpu);
        long v = read(cpu, cpu.r[Reg.ECX]);
        cpu.r[Reg.EAX] = (int) v;
        cpu.r[Reg.EDX] = (int) (v >>> 32);
    }

    static void wrmsr(Cpu cpu, Insn i) {
        SystemOps.requireCpl0(cpu);
        long v = (cpu.r[Reg.EAX] & 0xFFFFFFFFL) | ((long) cpu.r[Reg.EDX] << 32);
        write(cpu, cpu.r[Reg.ECX], v);
    }

    /** The value of an MSR; #GP(0) if this processor has none by that number. */
    public static long read(Cpu cpu, int index) {
        MsrFile m = cpu.msrs;
        return switch (index) {
            case TSC -> Tsc.value(cpu);
            case PLATFORM_ID -> 0; // platform 0 in bits 52:50
            case APIC_BASE -> cpu.apicBase;
            case BIOS_SIGN -> m.biosSign;
            case PERF_CTR0, PERF_CTR1 -> m.perfCounter[index - PERF_CTR0];
            case MTRR_CAP -> MsrFile.MTRR_CAP;
            case SYSENTER_CS -> cpu.sysenterCs & 0xFFFFFFFFL;
            case SYSENTER_ESP -> cpu.sysenterEsp & 0xFFFFFFFFL;
            case SYSENTER_EIP -> cpu.sysenterEip & 0xFFFFFFFFL;
            case PERF_EVTSEL0, PERF_EVTSEL1 -> m.perfEventSelect[index - PERF_EVTSEL0];
            case MISC_ENABLE -> m.miscEnable;
            case MTRR_DEF_TYPE -> m.mtrrDefType;
            default -> {
                int slot = mtrrSlot(index);
                if (slot >= 0) yield m.mtrrFixed[slot];
                if (index >= MTRR_PHYS_BASE0 && index < MTRR_PHYS_BASE0 + 16) yield m.mtrrVariable[index - MTRR_PHYS_BASE0];
                throw cpu.fault(Vectors.GP, 0);
            }
        };
    }

    /** Writes an MSR after checking its reserved bits; #GP(0) for read-only or absent MSRs. */
    public static void write(Cpu cpu, int index, long v) {
        MsrFile m = cpu.msrs;
        switch (index) {
            case TSC -> Tsc.set(cpu, v & 0xFFFFFFFFL); // P6: the high half is cleared (SDM 17.17)
            case APIC_BASE -> {
                require(cpu, (v & ~APIC_BASE_BITS) == 0);
                cpu.apicBase = (v & ~MsrFile.APIC_BSP) | (cpu.apicBase & MsrFile.APIC_BSP);
            }
            case BIOS_SIGN -> m.biosSign = v;
            case PERF_CTR0, PERF_CTR1 -> m.perfCounter[index - PERF_CTR0] = (long) (int) v & 0xFF_FFFF_FFFFL;
            case SYSENTER_CS -> cpu.sysenterCs = (int) v;
            case SYSENTER_ESP -> cpu.sysenterEsp = (int) v;
            case SYSENTER_EIP -> cpu.sysenterEip = (int) v;
            case PERF_EVTSEL0, PERF_EVTSEL1 -> {
                require(cpu, (v >>> 32) == 0);
                m.perfEventSelect[index - PERF_EVTSEL0] = v;
            }
            case MISC_ENABLE -> m.miscEnable = v;
            case MTRR_DEF_TYPE -> {
                require(cpu, (v & ~DEF_TYPE_BITS) == 0 && validType((int) v & 0xFF));
                m.mtrrDefType = v;
            }
            default -> writeMtrr(cpu, index, v);
        }
    }

    /** Fixed and variable MTRRs: every type field must be a defined memory type (SDM 11.11). */
    private static void writeMtrr(Cpu cpu, int index, long v) {
        int slot = mtrrSlot(index);
        if (slot >= 0) {
            for (int b = 0; b < 8; b++) require(cpu, validType((int) (v >>> (8 * b)) & 0xFF));
            cpu.msrs.mtrrFixed[slot] = v;
            return;
        }
        int n = index - MTRR_PHYS_BASE0;
        if (n < 0 || n >= 16) throw cpu.fault(Vectors.GP, 0); // absent or read-only
        if ((n & 1) == 0) require(cpu, (v & ~(PHYS_BITS | 0xFF)) == 0 && validType((int) v & 0xFF));
        else require(cpu, (v & ~(PHYS_BITS | MTRR_VALID)) == 0);
        cpu.msrs.mtrrVariable[n] = v;
    }

    /** Index into {@link MsrFile#mtrrFixed}, or -1. */
    private static int mtrrSlot(int index) {
        if (index == MTRR_FIX_64K) return 0;
        if (index == MTRR_FIX_16K_80000) return 1;
        if (index == MTRR_FIX_16K_A0000) return 2;
        if (index >= MTRR_FIX_4K_C0000 && index < MTRR_FIX_4K_C0000 + 8) return 3 + index - MTRR_FIX_4K_C0000;
        return -1;
    }

    /** UC, WC, WT, WP, WB (SDM Vol. 3A Table 11-8); 2, 3 and 7+ are reserved. */
    private static boolean validType(int type) {
        return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
    }

    private static void require(Cpu cpu, boolean ok) {
        if (!ok) throw cpu.fault(Vectors.GP, 0);
    }
}
