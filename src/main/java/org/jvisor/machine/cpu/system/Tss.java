package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/**
 * Task-state segment layouts (SDM Vol. 3A 7.2.1 Figure 7-2, 7.6 Figure 7-11) and the
 * privileged-stack pointers a call gate or interrupt uses to switch stacks (SDM 5.8.5).
 */
final class Tss {
    // 32-bit TSS offsets.
    static final int LINK = 0, ESP0 = 4, CR3 = 0x1C, EIP = 0x20, EFLAGS = 0x24, EAX = 0x28, ES = 0x48;
    static final int LDT = 0x60, TRAP = 0x64, MIN_LIMIT_32 = 0x67;
    // 16-bit TSS offsets.
    static final int SP0_16 = 2, IP_16 = 0x0E, FLAGS_16 = 0x10, AX_16 = 0x12, ES_16 = 0x22, LDT_16 = 0x2A;
    static final int MIN_LIMIT_16 = 0x2B;

    /** TSS descriptor types (SDM 3.5 Table 3-2). */
    static final int AVAILABLE_16 = 1, BUSY_16 = 3, AVAILABLE_32 = 9, BUSY_32 = 0xB;

    private Tss() { }

    /** True for a 32-bit TSS type (9 or B). */
    static boolean is32(int type) {
        return (type & 8) != 0;
    }

    static boolean isAvailable(long d) {
        int t = Descriptors.type(d);
        return !Descriptors.codeOrData(d) && (t == AVAILABLE_16 || t == AVAILABLE_32);
    }

    static boolean isBusy(long d) {
        int t = Descriptors.type(d);
        return !Descriptors.codeOrData(d) && (t == BUSY_16 || t == BUSY_32);
    }

    /**
     * The stack for privilege level {@code dpl} from the current TSS: SS in bits 32-47, ESP
     * in bits 0-31. #TS(TR selector) if the TSS is too short to hold it (SDM Vol. 2 CALL, INT).
     */
    static long innerStack(Cpu cpu, int dpl) {
        boolean tss32 = is32(cpu.segAr[Seg.TR] & 0xF);
        int at = tss32 ? ESP0 + dpl * 8 : SP0_16 + dpl * 4;
        int last = at + (tss32 ? 5 : 3);
        if (Integer.compareUnsigned(last, cpu.segLimit[Seg.TR]) > 0) {
            throw cpu.fault(Vectors.TS, cpu.segSel[Seg.TR] & 0xFFFC);
        }
        int base = cpu.segBase[Seg.TR];
        int esp = tss32 ? cpu.readLinear32(base + at, 0) : cpu.readLinear16(base + at, 0);
        int ss = cpu.readLinear16(base + at + (tss32 ? 4 : 2), 0);
        return ((long) ss << 32) | (esp & 0xFFFFFFFFL);
    }

    /** Sets or clears the busy bit (type bit 1) of a TSS descriptor in the GDT. */
    static void setBusy(Cpu cpu, int selector, boolean busy) {
        long addr = Descriptors.address(cpu, selector);
        int typeByte = cpu.readLinear8((int) addr + 5, 0);
        cpu.writeLinear8((int) addr + 5, busy ? typeByte | 2 : typeByte & ~2, 0);
    }
}
