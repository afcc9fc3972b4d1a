package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * The descriptor-table registers: SGDT, SIDT, LGDT, LIDT (0F 01 /0-/3) and SLDT, STR, LLDT,
 * LTR (0F 00 /0-/3). SDM Vol. 2 and Vol. 3A 2.4, 7.2.4.
 */
public final class TableOps {
    private TableOps() { }

    private static final int LDT_TYPE = 2, TSS16_AVAILABLE = 1, TSS32_AVAILABLE = 9, TSS_BUSY_BIT = 1 << 9;

    public static void register(OpcodeTable t) {
        int store = Entry.SENSITIVE | Entry.MEM_ONLY, load = Entry.PRIVILEGED | Entry.MEM_ONLY;
        t.def(0x101, 0, "sgdt", "Ms").exec(TableOps::sgdt).attrs(store).add();
        t.def(0x101, 1, "sidt", "Ms").exec(TableOps::sidt).attrs(store).add();
        t.def(0x101, 2, "lgdt", "Ms").exec(TableOps::lgdt16, TableOps::lgdt32).attrs(load).add();
        t.def(0x101, 3, "lidt", "Ms").exec(TableOps::lidt16, TableOps::lidt32).attrs(load).add();
        t.def(0x100, 0, "sldt", "Ev").exec(TableOps::sldt).attrs(Entry.SENSITIVE).add();
        t.def(0x100, 1, "str", "Ev").exec(TableOps::str).attrs(Entry.SENSITIVE).add();
        t.def(0x100, 2, "lldt", "Ew").exec(TableOps::lldt).attrs(Entry.PRIVILEGED).add();
        t.def(0x100, 3, "ltr", "Ew").exec(TableOps::ltr).attrs(Entry.PRIVILEGED).add();
    }

    // --- GDTR / IDTR --------------------------------------------------------------------------

    /** The offset of the base field: two bytes on, wrapping as the address size does. */
    private static int basePart(Insn i, int ea) {
        return i.addr32 ? ea + 2 : (ea + 2) & 0xFFFF;
    }

    /**
     * SGDT/SIDT store a 16-bit limit and the full 32-bit base at either operand size (the
     * current SDM pseudo-code; the old 24-bit wording described the 286). Both parts are
     * checked before either is written. Not privileged: reveals the real registers.
     */
    private static void storeTable(Cpu cpu, Insn i, int limit, int base) {
        int ea = cpu.ea(i), eb = basePart(i, ea);
        int linLimit = cpu.linear(i.seg, ea, 2, true), linBase = cpu.linear(i.seg, eb, 4, true);
        int access = cpu.accessBits(true);
        cpu.paging.translate(linLimit, access);
        cpu.paging.translate(linLimit + 1, access);
        cpu.paging.translate(linBase, access);
        cpu.paging.translate(linBase + 3, access);
        cpu.writeLinear16(linLimit, limit, access);
        cpu.writeLinear32(linBase, base, access);
    }

    static void sgdt(Cpu cpu, Insn i) {
        storeTable(cpu, i, cpu.gdtLimit, cpu.gdtBase);
    }

    static void sidt(Cpu cpu, Insn i) {
        storeTable(cpu, i, cpu.idtLimit, cpu.idtBase);
    }

    /** LGDT/LIDT read limit then base; a 16-bit operand size keeps 24 bits of base (SDM Vol. 2 LGDT). */
    private static long loadTable(Cpu cpu, Insn i, int baseMask) {
        SystemOps.requireCpl0(cpu);
        int ea = cpu.ea(i);
        int limit = cpu.read16(i.seg, ea);
        int base = cpu.read32(i.seg, basePart(i, ea)) & baseMask;
        return (limit & 0xFFFFL) | ((long) base << 32);
    }

    static void lgdt16(Cpu cpu, Insn i) {
        setGdt(cpu, loadTable(cpu, i, 0xFFFFFF));
    }

    static void lgdt32(Cpu cpu, Insn i) {
        setGdt(cpu, loadTable(cpu, i, -1));
    }

    static void lidt16(Cpu cpu, Insn i) {
        setIdt(cpu, loadTable(cpu, i, 0xFFFFFF));
    }

    static void lidt32(Cpu cpu, Insn i) {
        setIdt(cpu, loadTable(cpu, i, -1));
    }

    private static void setGdt(Cpu cpu, long limitAndBase) {
        cpu.gdtLimit = (int) limitAndBase;
        cpu.gdtBase = (int) (limitAndBase >>> 32);
    }

    private static void setIdt(Cpu cpu, long limitAndBase) {
        cpu.idtLimit = (int) limitAndBase;
        cpu.idtBase = (int) (limitAndBase >>> 32);
    }

    // --- LDTR / TR ------------------------------------------------------------------------------

    /**
     * SLDT/STR (SDM Vol. 2): a memory destination takes 16 bits at any operand size; a
     * 32-bit register gets the selector zero-extended (P6 family; undefined on older parts).
     * #UD in real and virtual-8086 mode; otherwise not privileged.
     */
    private static void storeSelector(Cpu cpu, Insn i, int selector) {
        SystemOps.requireProtectedMode(cpu);
        if (i.mod == 3 && i.op32) cpu.r[i.rm] = selector & 0xFFFF;
        else cpu.writeE16(i, selector);
    }

    static void sldt(Cpu cpu, Insn i) {
        storeSelector(cpu, i, cpu.segSel[Seg.LDTR]);
    }

    static void str(Cpu cpu, Insn i) {
        storeSelector(cpu, i, cpu.segSel[Seg.TR]);
    }

    /**
     * LLDT (SDM Vol. 2 LLDT): a null selector leaves LDTR unusable; otherwise the selector
     * must name an LDT descriptor in the GDT (#GP(sel)) that is present (#NP(sel)).
     */
    static void lldt(Cpu cpu, Insn i) {
        SystemOps.requireProtectedMode(cpu);
        SystemOps.requireCpl0(cpu);
        loadLdtr(cpu, cpu.readE16(i));
    }

    /** LLDT's checks and load, for LLDT and for a hypervisor emulating it. */
    public static void loadLdtr(Cpu cpu, int sel) {
        sel &= 0xFFFF;
        if ((sel & 0xFFFC) == 0) {
            cpu.setSegment(Seg.LDTR, sel, 0, 0, 0);
            return;
        }
        int err = sel & 0xFFFC;
        if ((sel & 4) != 0) throw cpu.fault(Vectors.GP, err);
        long d = Descriptors.read(cpu, sel);
        if (Descriptors.codeOrData(d) || Descriptors.type(d) != LDT_TYPE) throw cpu.fault(Vectors.GP, err);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
        cpu.setSegment(Seg.LDTR, sel, Descriptors.base(d), Descriptors.limit(d), Descriptors.accessRights(d));
    }

    /**
     * LTR (SDM Vol. 2 LTR): #GP(0) for a null selector; the selector must name an available
     * TSS in the GDT (#GP(sel)) that is present (#NP(sel)); the descriptor is marked busy.
     */
    static void ltr(Cpu cpu, Insn i) {
        SystemOps.requireProtectedMode(cpu);
        SystemOps.requireCpl0(cpu);
        loadTr(cpu, cpu.readE16(i));
    }

    /** LTR's checks, busy marking and load, for LTR and for a hypervisor emulating it. */
    public static void loadTr(Cpu cpu, int sel) {
        sel &= 0xFFFF;
        if ((sel & 0xFFFC) == 0) throw cpu.fault(Vectors.GP, 0);
        int err = sel & 0xFFFC;
        if ((sel & 4) != 0) throw cpu.fault(Vectors.GP, err);
        long d = Descriptors.read(cpu, sel);
        int type = Descriptors.type(d);
        if (Descriptors.codeOrData(d) || (type != TSS16_AVAILABLE && type != TSS32_AVAILABLE)) {
            throw cpu.fault(Vectors.GP, err);
        }
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
        int high = Descriptors.high(d) | TSS_BUSY_BIT;
        Descriptors.writeHigh(cpu, sel, high);
        long busy = (d & 0xFFFFFFFFL) | ((long) high << 32);
        cpu.setSegment(Seg.TR, sel, Descriptors.base(busy), Descriptors.limit(busy), Descriptors.accessRights(busy));
    }
}
