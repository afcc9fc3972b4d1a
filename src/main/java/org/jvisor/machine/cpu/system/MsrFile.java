package org.jvisor.machine.cpu.system;

/**
 * The model-specific registers this P6 keeps beyond those with their own field in
 * {@link org.jvisor.machine.cpu.Cpu} (TSC offset, SYSENTER, APIC base). Plain storage: the
 * MTRRs are remembered but no memory type is applied (nothing is cached), and the
 * performance counters exist but never count.
 */
public final class MsrFile {
    /** IA32_MTRRCAP (SDM Vol. 3A 11.11.1): VCNT = 8 variable ranges, FIX (bit 8), WC (bit 10). */
    public static final long MTRR_CAP = 0x508;
    /** IA32_BIOS_SIGN_ID high half after CPUID(1): no microcode update has been loaded. */
    public static final int MICROCODE_REVISION = 0;
    /** IA32_APIC_BASE bits (SDM Vol. 3A 10.4.4): BSP flag, global enable. */
    public static final long APIC_BSP = 1 << 8, APIC_ENABLE = 1 << 11;

    /** IA32_MTRR_PHYSBASE0..7 / PHYSMASK0..7 (0x200-0x20F), interleaved base, mask. */
    public final long[] mtrrVariable = new long[16];
    /** Fixed-range MTRRs in MSR order: 0x250, 0x258, 0x259, 0x268-0x26F. */
    public final long[] mtrrFixed = new long[11];
    public long mtrrDefType;
    public long miscEnable;
    public long biosSign;
    /** PerfEvtSel0/1 (0x186/0x187) and PerfCtr0/1 (0xC1/0xC2, 40 bits). */
    public final long[] perfEventSelect = new long[2], perfCounter = new long[2];
    /** Set by whoever attaches a local APIC device; until then CPUID does not report one. */
    public boolean localApic;

    /** Power-on values (SDM Vol. 3A 11.11.2.1: MTRRs disabled). */
    public void reset() {
        java.util.Arrays.fill(mtrrVariable, 0);
        java.util.Arrays.fill(mtrrFixed, 0);
        java.util.Arrays.fill(perfEventSelect, 0);
        java.util.Arrays.fill(perfCounter, 0);
        mtrrDefType = miscEnable = biosSign = 0;
    }
}
