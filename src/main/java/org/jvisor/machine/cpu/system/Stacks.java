package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;

/**
 * Stack frames for far transfers and event delivery, written in two passes so nothing is
 * committed before every check has passed: {@link #checkRoom} validates every slot
 * against the target stack segment (which may be a new, not yet loaded SS), then
 * {@link #put} writes the slots, then the caller loads the registers. Slots count down
 * from the old top of stack: slot 1 is the first value pushed.
 */
final class Stacks {
    private Stacks() { }

    /** True if a {@code size}-byte access at {@code off} fits a data segment of this limit and kind (SDM 5.3). */
    static boolean fits(int off, int size, int limit, int ar) {
        int last = off + size - 1;
        if (Integer.compareUnsigned(last, off) < 0) return false;
        boolean expandDown = (ar & 0x1C) == 0x14;
        if (!expandDown) return Integer.compareUnsigned(last, limit) <= 0;
        int hi = (ar & Cpu.AR_DB) != 0 ? 0xFFFFFFFF : 0xFFFF;
        return Integer.compareUnsigned(off, limit) > 0 && Integer.compareUnsigned(last, hi) <= 0;
    }

    /** The offset of slot {@code slot} below {@code esp} (wrapping in 64 KiB for a 16-bit stack). */
    static int slotOffset(int esp, int ar, int slot, int width) {
        int off = esp - slot * width;
        return (ar & Cpu.AR_DB) != 0 ? off : off & 0xFFFF;
    }

    /** Throws {@code vector}({@code err}) unless slots 1..count all fit the stack segment. */
    static void checkRoom(Cpu cpu, int limit, int ar, int esp, int count, int width, int vector, int err) {
        for (int k = 1; k <= count; k++) {
            if (!fits(slotOffset(esp, ar, k, width), width, limit, ar)) throw cpu.fault(vector, err);
        }
    }

    /** Writes one slot; {@code access} holds the paging bits of the new privilege level. */
    static void put(Cpu cpu, int base, int ar, int esp, int slot, int width, int value, int access) {
        int lin = base + slotOffset(esp, ar, slot, width);
        if (width == 4) cpu.writeLinear32(lin, value, access);
        else cpu.writeLinear16(lin, value, access);
    }

    /** ESP after {@code bytes} were pushed: a 16-bit stack changes only SP. */
    static int espAfter(int esp, int ar, int bytes) {
        if ((ar & Cpu.AR_DB) != 0) return esp - bytes;
        return (esp & 0xFFFF0000) | ((esp - bytes) & 0xFFFF);
    }

    /** Checks room on the current stack for {@code count} slots: #SS(0) (SDM Vol. 2 CALL, INT). */
    static void checkCurrent(Cpu cpu, int count, int width) {
        checkRoom(cpu, cpu.segLimit[Seg.SS], currentAr(cpu), cpu.r[Reg.ESP], count, width,
                org.jvisor.machine.cpu.Vectors.SS, 0);
    }

    /** Writes a slot of the current stack at the current privilege level. */
    static void putCurrent(Cpu cpu, int slot, int width, int value) {
        put(cpu, cpu.segBase[Seg.SS], currentAr(cpu), cpu.r[Reg.ESP], slot, width, value, cpu.accessBits(true));
    }

    /** The current SS attributes as the stack width sees them (16-bit in real and V86 mode). */
    static int currentAr(Cpu cpu) {
        return cpu.stack32() ? cpu.segAr[Seg.SS] : cpu.segAr[Seg.SS] & ~Cpu.AR_DB;
    }

    /** Reads the value {@code bytes} above the top of the current stack (#SS(0) past the limit). */
    static int peek(Cpu cpu, int bytes, int width) {
        int off = cpu.r[Reg.ESP] + bytes;
        if (!cpu.stack32()) off &= 0xFFFF;
        return width == 4 ? cpu.read32(Seg.SS, off) : cpu.read16(Seg.SS, off);
    }

    /** Sets ESP (or SP for a 16-bit stack segment with attributes {@code ar}). */
    static void setEsp(Cpu cpu, int value, int ar) {
        if ((ar & Cpu.AR_DB) != 0) cpu.r[Reg.ESP] = value;
        else cpu.setReg16(Reg.ESP, value);
    }
}
