package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * CPUID (SDM Vol. 2 CPUID): an honest Pentium II (Klamath, family 6 model 3 stepping 3)
 * that reports only what this model implements.
 *
 * <p>Leaf 1 EDX, bit by bit: FPU(0) x87 unit; DE(2) CR4.DE and the DR4/DR5 #UD (breakpoint
 * matching itself is not modelled); PSE(3) 4 MiB pages; TSC(4) RDTSC and CR4.TSD; MSR(5)
 * RDMSR/WRMSR; CX8(8) CMPXCHG8B; APIC(9) only once a local APIC is attached and enabled;
 * SEP(11) SYSENTER/SYSEXIT; MTRR(12) the MTRR MSRs (they store, nothing is cached);
 * PGE(13) global pages; CMOV(15) CMOVcc/FCMOVcc. Not reported because not implemented:
 * VME(1), PAE(6), MCE(7), MCA(14), PAT(16), PSE-36(17), MMX(23), FXSR(24), SSE(25).
 */
public final class Cpuid {
    private Cpuid() { }

    /** Leaf 1 EAX: stepping 3, model 3, family 6, type 0 (matches EDX after reset). */
    public static final int SIGNATURE = 0x0633;
    public static final int FPU = 1, DE = 1 << 2, PSE = 1 << 3, TSC = 1 << 4, MSR = 1 << 5, CX8 = 1 << 8;
    public static final int APIC = 1 << 9, SEP = 1 << 11, MTRR = 1 << 12, PGE = 1 << 13, CMOV = 1 << 15;
    public static final int FEATURES = FPU | DE | PSE | TSC | MSR | CX8 | SEP | MTRR | PGE | CMOV;
    /** The highest basic leaf; a P6 has no extended (8000_0000h) leaves. */
    public static final int MAX_LEAF = 2;
    /** "GenuineIntel" as EBX, EDX, ECX. */
    private static final int GENU = 0x756E6547, INEI = 0x49656E69, NTEL = 0x6C65746E;
    /**
     * Leaf 2 descriptors of a Pentium II with 512 KiB L2 (SDM Vol. 2 Table 3-12): AL=01 (call
     * once); 01h ITLB 4K, 02h ITLB 4M, 03h DTLB 4K; 43h L2 512K; 08h L1I 16K; 04h DTLB 4M;
     * 0Ch L1D 16K.
     */
    private static final int CACHE_EAX = 0x03020101, CACHE_EDX = 0x0C040843;

    public static void register(OpcodeTable t) {
        t.def(0x1A2, "cpuid", "").exec(Cpuid::cpuid).add();
    }

    /** Not privileged. Leaves above the maximum answer as the highest basic leaf does. */
    static void cpuid(Cpu cpu, Insn i) {
        int leaf = cpu.r[Reg.EAX];
        if (Integer.compareUnsigned(leaf, MAX_LEAF) > 0) leaf = MAX_LEAF;
        int[] r = cpu.r;
        switch (leaf) {
            case 0 -> set(r, MAX_LEAF, GENU, NTEL, INEI);
            case 1 -> {
                set(r, SIGNATURE, 0, 0, features(cpu));
                cpu.msrs.biosSign = (long) MsrFile.MICROCODE_REVISION << 32; // SDM Vol. 3A 9.11.7.1
            }
            default -> set(r, CACHE_EAX, 0, 0, CACHE_EDX);
        }
    }

    /** Leaf 1 EDX; the APIC bit follows the APIC_BASE enable bit as on a P6 (SDM 10.4.3). */
    public static int features(Cpu cpu) {
        boolean apic = cpu.msrs.localApic && (cpu.apicBase & MsrFile.APIC_ENABLE) != 0;
        return FEATURES | (apic ? APIC : 0);
    }

    private static void set(int[] r, int eax, int ebx, int ecx, int edx) {
        r[Reg.EAX] = eax;
        r[Reg.EBX] = ebx;
        r[Reg.ECX] = ecx;
        r[Reg.EDX] = edx;
    }
}
