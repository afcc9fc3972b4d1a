package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * The time-stamp counter and RDPMC (SDM Vol. 3A 17.17, 18; Vol. 2 RDTSC, RDPMC).
 *
 * <p>Time here is instructions: TSC = retired instructions x {@link #TICKS_PER_INSTRUCTION}
 * + {@code cpu.tsc}, where {@code cpu.tsc} is the offset a TSC write (WRMSR 10h) sets. The
 * count is deterministic, monotonic and unaffected by host speed; the instruction doing the
 * read is not yet counted.
 */
public final class Tsc {
    private Tsc() { }

    public static final long TICKS_PER_INSTRUCTION = 1;

    public static void register(OpcodeTable t) {
        t.def(0x131, "rdtsc", "").exec(Tsc::rdtsc).add();
        t.def(0x133, "rdpmc", "").exec(Tsc::rdpmc).add();
    }

    public static long value(Cpu cpu) {
        return cpu.instructions * TICKS_PER_INSTRUCTION + cpu.tsc;
    }

    /** Makes the counter read {@code v} now (WRMSR to IA32_TIME_STAMP_COUNTER). */
    public static void set(Cpu cpu, long v) {
        cpu.tsc = v - cpu.instructions * TICKS_PER_INSTRUCTION;
    }

    /** RDTSC: #GP(0) when CR4.TSD is set and CPL > 0 (virtual-8086 mode is CPL 3). */
    static void rdtsc(Cpu cpu, Insn i) {
        if ((cpu.cr4 & Cpu.CR4_TSD) != 0 && (cpu.cpl != 0 || cpu.isV86())) throw cpu.fault(Vectors.GP, 0);
        long v = value(cpu);
        cpu.r[Reg.EAX] = (int) v;
        cpu.r[Reg.EDX] = (int) (v >>> 32);
    }

    /**
     * RDPMC on a P6: ECX selects counter 0 or 1 (other values #GP(0)); outside CPL 0 it needs
     * CR4.PCE. Returns the 40-bit PerfCtr MSR, which here holds what was written (no events count).
     */
    static void rdpmc(Cpu cpu, Insn i) {
        if ((cpu.cr4 & Cpu.CR4_PCE) == 0 && (cpu.cpl != 0 || cpu.isV86())) throw cpu.fault(Vectors.GP, 0);
        int n = cpu.r[Reg.ECX];
        if (n != 0 && n != 1) throw cpu.fault(Vectors.GP, 0);
        long v = cpu.msrs.perfCounter[n];
        cpu.r[Reg.EAX] = (int) v;
        cpu.r[Reg.EDX] = (int) (v >>> 32) & 0xFF;
    }
}
