package org.jvisor.machine.cpu.fpu;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * FNSTENV/FLDENV and FNSAVE/FRSTOR (SDM Vol. 1 8.1.10, Figures 8-9 to 8-12): the 14- or
 * 28-byte environment by operand size, in the protected-mode layout (offsets and selectors)
 * or the real-mode layout (20/32-bit linear pointers split around the opcode), followed for
 * FNSAVE/FRSTOR by the eight registers in stack order. Reserved halves are stored as 1s.
 */
final class FpuEnvironment {
    private FpuEnvironment() { }

    private static boolean realLayout(Cpu cpu) {
        return !cpu.isProtectedMode() || cpu.isV86();
    }

    /** FNSTENV m14/28byte (D9 /6): stores, then masks every exception. */
    static void fnstenv(Cpu cpu, Insn i) {
        FpuState f = FpuControl.beginNoWait(cpu);
        int off = cpu.ea(i);
        FpuControl.checkWrite(cpu, i.seg, off, i.op32 ? 28 : 14);
        storeEnvironment(cpu, i, off);
        f.control |= 0x3F;
    }

    /** FLDENV m14/28byte (D9 /4): a pending unmasked exception it loads is reported by the next instruction. */
    static void fldenv(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        int off = cpu.ea(i);
        checkRead(cpu, i.seg, off, i.op32 ? 28 : 14);
        loadEnvironment(cpu, i, off);
        f.updateSummary();
    }

    /** FNSAVE m94/108byte (DD /6): environment and registers, then FNINIT. */
    static void fnsave(Cpu cpu, Insn i) {
        FpuState f = FpuControl.beginNoWait(cpu);
        int off = cpu.ea(i);
        int env = i.op32 ? 28 : 14;
        FpuControl.checkWrite(cpu, i.seg, off, env + 80);
        storeEnvironment(cpu, i, off);
        for (int r = 0; r < 8; r++) {
            int at = off + env + 10 * r;
            FpuLoadStore.write64(cpu, i.seg, at, f.mantOf(r));
            cpu.write16(i.seg, at + 8, f.seOf(r));
        }
        f.reset();
    }

    /** FRSTOR m94/108byte (DD /4). */
    static void frstor(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        int off = cpu.ea(i);
        int env = i.op32 ? 28 : 14;
        checkRead(cpu, i.seg, off, env + 80);
        loadEnvironment(cpu, i, off);
        for (int r = 0; r < 8; r++) {
            int at = off + env + 10 * r, p = f.phys(r);
            f.mant[p] = FpuLoadStore.read64(cpu, i.seg, at);
            f.se[p] = cpu.read16(i.seg, at + 8);
        }
        f.updateSummary();
    }

    private static void checkRead(Cpu cpu, int seg, int off, int size) {
        int lin = cpu.linear(seg, off, size, false);
        int access = cpu.accessBits(false);
        cpu.paging.translate(lin, access);
        cpu.paging.translate(lin + size - 1, access);
    }

    private static void storeEnvironment(Cpu cpu, Insn i, int off) {
        FpuState f = cpu.fpu;
        int[] v = f.envWords;
        v[0] = f.control;
        v[1] = f.status;
        v[2] = f.storedTag();
        if (realLayout(cpu)) {
            int ip = (f.fcs << 4) + f.fip, dp = (f.fds << 4) + f.fdp;
            v[3] = ip & 0xFFFF;
            v[4] = (ip >>> 4 & 0x0FFFF000) | (f.fop & 0x7FF);
            v[5] = dp & 0xFFFF;
            v[6] = dp >>> 4 & 0x0FFFF000;
        } else {
            v[3] = f.fip;
            v[4] = f.fcs & 0xFFFF | (f.fop & 0x7FF) << 16;
            v[5] = f.fdp;
            v[6] = f.fds & 0xFFFF;
        }
        boolean real = realLayout(cpu);
        for (int k = 0; k < 7; k++) {
            if (i.op32) {
                boolean padded = k <= 2 || k == 6 && !real || (real && (k == 3 || k == 5));
                cpu.write32(i.seg, off + 4 * k, padded ? v[k] & 0xFFFF | 0xFFFF0000 : v[k]);
            } else {
                int w = v[k];
                if (real && (k == 4 || k == 6)) w = (w >>> 4 & 0xF000) | (w & 0x7FF); // bits 19-16 of the pointer
                cpu.write16(i.seg, off + 2 * k, w);
            }
        }
    }

    private static void loadEnvironment(Cpu cpu, Insn i, int off) {
        FpuState f = cpu.fpu;
        int[] v = f.envWords;
        for (int k = 0; k < 7; k++) v[k] = i.op32 ? cpu.read32(i.seg, off + 4 * k) : cpu.read16(i.seg, off + 2 * k);
        f.control = (v[0] & 0x1F3F) | 0x40;
        f.status = v[1] & 0xFFFF;
        f.tag = v[2] & 0xFFFF;
        if (realLayout(cpu)) {
            int ipHigh = i.op32 ? (v[4] & 0x0FFFF000) << 4 : (v[4] & 0xF000) << 4;
            int dpHigh = i.op32 ? (v[6] & 0x0FFFF000) << 4 : (v[6] & 0xF000) << 4;
            f.fip = (v[3] & 0xFFFF) | ipHigh;
            f.fdp = (v[5] & 0xFFFF) | dpHigh;
            f.fcs = 0;
            f.fds = 0;
            f.fop = v[4] & 0x7FF;
        } else {
            f.fip = i.op32 ? v[3] : v[3] & 0xFFFF;
            f.fcs = v[4] & 0xFFFF;
            f.fop = i.op32 ? (v[4] >>> 16) & 0x7FF : f.fop;
            f.fdp = i.op32 ? v[5] : v[5] & 0xFFFF;
            f.fds = v[6] & 0xFFFF;
        }
    }
}
