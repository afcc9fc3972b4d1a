package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.junit.jupiter.api.Test;

/**
 * Software interrupts delivered through a real IDT from CPL 3 to ring-0 gates of DPL 0:
 * INT3 gets #GP(vector*8+2) from the gate-DPL check (SDM 6.12.1.1), INT1/ICEBP does not.
 */
class BranchInterruptTest {
    private static final int GDT = 0x50000, TSS = 0x51000, IDT = 0x52000, RING0_STACK = 0x70000;
    private static final int DB_HANDLER = 0x3000, BP_HANDLER = 0x3010, GP_HANDLER = 0x3020;

    private static FlowRig userWithIdt(int... code) {
        FlowRig m = new FlowRig().code(code);
        m.cpu.interceptExceptions = false;
        long[] gdt = {0, 0x00CF9A000000FFFFL, 0x00CF92000000FFFFL, 0x00CFFA000000FFFFL, 0x00CFF2000000FFFFL,
            0x0000890000000067L | (long) (TSS & 0xFFFF) << 16 | (long) ((TSS >>> 16) & 0xFF) << 32};
        for (int k = 0; k < gdt.length; k++) {
            m.write32(GDT + 8 * k, (int) gdt[k]);
            m.write32(GDT + 8 * k + 4, (int) (gdt[k] >>> 32));
        }
        m.cpu.gdtBase = GDT;
        m.cpu.gdtLimit = 8 * gdt.length - 1;
        m.write32(TSS + 4, RING0_STACK);
        m.write32(TSS + 8, 0x10);
        m.cpu.setSegment(Seg.TR, 0x28, TSS, 0x67, 0x8B);
        gate(m, 1, DB_HANDLER);
        gate(m, 3, BP_HANDLER);
        gate(m, 13, GP_HANDLER);
        m.cpu.idtBase = IDT;
        m.cpu.idtLimit = 0x7FF;
        for (int h : new int[] {DB_HANDLER, BP_HANDLER, GP_HANDLER}) m.mem.write8(h, 0xF4); // hlt
        m.privilege(3, 0);
        return m;
    }

    /** A 32-bit interrupt gate of DPL 0 to 0x08:handler. */
    private static void gate(FlowRig m, int vector, int handler) {
        m.write32(IDT + 8 * vector, 0x08 << 16 | (handler & 0xFFFF));
        m.write32(IDT + 8 * vector + 4, (handler & 0xFFFF0000) | 0x8E00);
    }

    @Test
    void icebpIgnoresGateDpl() {
        FlowRig m = userWithIdt(0xF1);
        assertEquals(Exit.HALTED, m.run());
        assertEquals(DB_HANDLER + 1, m.cpu.eip);
        assertEquals(0, m.cpu.cpl);
        assertEquals(RING0_STACK - 20, m.cpu.r[Reg.ESP]);
        assertEquals(FlowRig.CODE + 1, m.read32(RING0_STACK - 20), "trap: return address past ICEBP");
        assertEquals(0x1B, m.read32(RING0_STACK - 16));
    }

    @Test
    void int3FromUserToDplZeroGateIsGp() {
        FlowRig m = userWithIdt(0xCC);
        assertEquals(Exit.HALTED, m.run());
        assertEquals(GP_HANDLER + 1, m.cpu.eip);
        assertEquals(3 * 8 + 2, m.read32(RING0_STACK - 24), "error code: IDT index, IDT bit");
        assertEquals(FlowRig.CODE, m.read32(RING0_STACK - 20), "fault: EIP at INT3");
    }
}
