package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;

/** PUSH/POP, PUSHA/POPA, ENTER/LEAVE and segment pushes against SDM Vol. 2 operation sections. */
class StackOpsTest {
    private static void setRegs(FlowRig m) {
        for (int k = 0; k < 8; k++) if (k != Reg.ESP) m.cpu.r[k] = 0x11111111 * (k + 1);
    }

    @Test
    void pushaImageAndPopaSkipsEsp() {
        FlowRig m = new FlowRig().code(0x60, 0x0F, 0x0B, 0x61); // pusha ; ud2 ; popa
        setRegs(m);
        m.runToEnd(FlowRig.CODE + 1);
        m.cpu.eip += 2;
        int[] expected = {0x88888888, 0x77777777, 0x66666666, 0x8000, 0x44444444, 0x33333333, 0x22222222, 0x11111111};
        for (int k = 0; k < 8; k++) assertEquals(expected[k], m.read32(0x7FE0 + 4 * k), "slot " + k);
        assertEquals(0x7FE0, m.cpu.r[Reg.ESP]);
        // Change everything, poison the ESP slot: POPA restores all but ESP and ignores the slot.
        for (int k = 0; k < 8; k++) if (k != Reg.ESP) m.cpu.r[k] = 0;
        m.write32(0x7FE0 + 12, 0xDEAD);
        m.runToEnd(FlowRig.CODE + 4);
        for (int k = 0; k < 8; k++) {
            assertEquals(k == Reg.ESP ? 0x8000 : 0x11111111 * (k + 1), m.cpu.r[k], "reg " + k);
        }
    }

    @Test
    void pusha16WritesWordsAndKeepsUpperHalves() {
        FlowRig m = new FlowRig().code(0x66, 0x60);
        setRegs(m);
        m.runToEnd(FlowRig.CODE + 2);
        int[] words = {0x8888, 0x7777, 0x6666, 0x8000, 0x4444, 0x3333, 0x2222, 0x1111};
        for (int k = 0; k < 8; k++) assertEquals(words[k], m.mem.read16(0x7FF0 + 2 * k), "slot " + k);
        assertEquals(0x7FF0, m.cpu.r[Reg.ESP]);
    }

    @Test
    void pushaFaultChangesNothing() {
        // Stack limit puts the lowest slot out of range: #SS(0), no slot written, ESP unchanged.
        FlowRig m = new FlowRig().code(0x60);
        m.cpu.setSegment(Seg.SS, 0x10, 0, 0x7FE8, 0xC097); // expand-down: offsets above 0x7FE8 valid
        setRegs(m);
        m.runToFault(Vectors.SS, 0, FlowRig.CODE);
        assertEquals(0x8000, m.cpu.r[Reg.ESP]);
        assertEquals(0, m.read32(0x7FFC), "first slot untouched");
    }

    @Test
    void enterWithNestingLevelsCopiesFramePointers() {
        // enter 0x10, 3 with EBP = 0x9000: SDM ENTER copies [EBP-4], [EBP-8], then pushes FrameTemp.
        FlowRig m = new FlowRig().code(0xC8, 0x10, 0x00, 0x03);
        m.cpu.r[Reg.EBP] = 0x9000;
        m.write32(0x8FFC, 0xAAAA0001);
        m.write32(0x8FF8, 0xBBBB0002);
        m.runToEnd(FlowRig.CODE + 4);
        assertEquals(0x9000, m.read32(0x7FFC));
        assertEquals(0xAAAA0001, m.read32(0x7FF8));
        assertEquals(0xBBBB0002, m.read32(0x7FF4));
        assertEquals(0x7FFC, m.read32(0x7FF0));
        assertEquals(0x7FFC, m.cpu.r[Reg.EBP]);
        assertEquals(0x7FF0 - 0x10, m.cpu.r[Reg.ESP]);
    }

    @Test
    void enterLevelZeroAndLevelMaskedMod32() {
        FlowRig m = new FlowRig().code(0xC8, 0x04, 0x01, 0x00, 0xC8, 0x00, 0x00, 33); // enter 0x104,0 ; enter 0,33
        m.cpu.r[Reg.EBP] = 0x1234;
        m.runToEnd(FlowRig.CODE + 8);
        // First: push EBP at 0x7FFC, EBP = 0x7FFC, ESP = 0x7FFC - 0x104 = 0x7EF8.
        assertEquals(0x1234, m.read32(0x7FFC));
        // Second, level 33 & 31 = 1: push EBP (0x7FFC) at 0x7EF4, push FrameTemp 0x7EF4 at 0x7EF0.
        assertEquals(0x7FFC, m.read32(0x7EF4));
        assertEquals(0x7EF4, m.read32(0x7EF0));
        assertEquals(0x7EF4, m.cpu.r[Reg.EBP]);
        assertEquals(0x7EF0, m.cpu.r[Reg.ESP]);
    }

    @Test
    void leaveRestoresFrame() {
        FlowRig m = new FlowRig().code(0xC9);
        m.cpu.r[Reg.EBP] = 0x9000;
        m.write32(0x9000, 0xCAFE);
        m.runToEnd(FlowRig.CODE + 1);
        assertEquals(0xCAFE, m.cpu.r[Reg.EBP]);
        assertEquals(0x9004, m.cpu.r[Reg.ESP]);
    }

    @Test
    void sixteenBitStackWrapsSpAndKeepsUpperEsp() {
        // SS.B = 0, base 0x20000: two word pushes from SP = 2 wrap to 0xFFFE; ESP[31:16] stays.
        // push ax ; push bx ; ud2 ; pop dx ; pop si
        FlowRig m = new FlowRig().code(0x66, 0x50, 0x66, 0x53, 0x0F, 0x0B, 0x66, 0x5A, 0x66, 0x5E);
        m.cpu.setSegment(Seg.SS, 0x10, 0x20000, 0xFFFF, 0x0093);
        m.cpu.r[Reg.ESP] = 0xABCD0002;
        m.cpu.r[Reg.EAX] = 0x1111AAAA;
        m.cpu.r[Reg.EBX] = 0x2222BBBB;
        m.runToEnd(FlowRig.CODE + 4);
        m.cpu.eip += 2;
        assertEquals(0xAAAA, m.mem.read16(0x20000));
        assertEquals(0xBBBB, m.mem.read16(0x2FFFE));
        assertEquals(0xABCDFFFE, m.cpu.r[Reg.ESP]);
        m.runToEnd(FlowRig.CODE + 10);
        assertEquals(0xBBBB, m.cpu.r[Reg.EDX] & 0xFFFF);
        assertEquals(0xAAAA, m.cpu.r[Reg.ESI] & 0xFFFF);
        assertEquals(0xABCD0002, m.cpu.r[Reg.ESP]);
    }

    @Test
    void pushEspPushesOldValueAndPopEspLoadsPopped() {
        FlowRig m = new FlowRig().code(0x54, 0x5C); // push esp ; pop esp
        m.runToEnd(FlowRig.CODE + 2);
        assertEquals(0x8000, m.read32(0x7FFC));
        assertEquals(0x8000, m.cpu.r[Reg.ESP]);
    }

    @Test
    void popMemoryAddressUsesIncrementedEsp() {
        // pop dword [esp+4]: SDM POP computes the address after incrementing ESP.
        FlowRig m = new FlowRig().code(0x8F, 0x44, 0x24, 0x04);
        m.write32(0x8000, 0x5555);
        m.runToEnd(FlowRig.CODE + 4);
        assertEquals(0x5555, m.read32(0x8008));
        assertEquals(0x8004, m.cpu.r[Reg.ESP]);
    }

    @Test
    void popMemoryFaultRestoresEsp() {
        FlowRig m = new FlowRig().code(0x8F, 0x05, 0x00, 0x00, 0x00, 0x01); // pop dword [0x01000000] (past limit)
        m.cpu.setSegment(Seg.DS, 0x10, 0, 0xFFFFF, 0x4093);
        m.runToFault(Vectors.GP, 0, FlowRig.CODE);
        assertEquals(0x8000, m.cpu.r[Reg.ESP]);
    }

    @Test
    void pushImmediatesAndMemory() {
        // push 0x12345678 ; push -2 (sign-extended) ; push word 0x7FFF ; push dword [0x3000]
        FlowRig m = new FlowRig().code(0x68, 0x78, 0x56, 0x34, 0x12, 0x6A, 0xFE, 0x66, 0x68, 0xFF, 0x7F,
                0xFF, 0x35, 0x00, 0x30, 0x00, 0x00);
        m.write32(0x3000, 0x0BADF00D);
        m.runToEnd(FlowRig.CODE + 17);
        assertEquals(0x12345678, m.read32(0x7FFC));
        assertEquals(0xFFFFFFFE, m.read32(0x7FF8));
        assertEquals(0x7FFF, m.mem.read16(0x7FF6));
        assertEquals(0x0BADF00D, m.read32(0x7FF2));
        assertEquals(0x7FF2, m.cpu.r[Reg.ESP]);
    }

    @Test
    void segmentPush32WritesSixteenBitsAndMovesEspByFour() {
        FlowRig m = new FlowRig().code(0x1E); // push ds
        m.write32(0x7FFC, 0xFFFFFFFF);
        m.runToEnd(FlowRig.CODE + 1);
        assertEquals(0xFFFF0010, m.read32(0x7FFC));
        assertEquals(0x7FFC, m.cpu.r[Reg.ESP]);
    }

    @Test
    void popSsInRealModeLoadsSegmentAndOpensShadow() {
        FlowRig m = new FlowRig().code(0x17, 0x90); // pop ss ; nop
        m.cpu.cr0 &= ~1;
        m.cpu.setSegment(Seg.CS, 0, 0, 0xFFFF, 0x9B);
        m.cpu.setSegment(Seg.SS, 0, 0, 0xFFFF, 0x93);
        m.cpu.refreshSegments();
        m.mem.write16(0x8000, 0x0700);
        Exit e = m.cpu.run(1);
        assertEquals(Exit.BUDGET_EXHAUSTED, e);
        assertEquals(0x7000, m.cpu.segBase[Seg.SS]);
        assertEquals(0x8002, m.cpu.r[Reg.ESP]);
        assertTrue(m.cpu.interruptShadow, "POP SS inhibits interrupts for one instruction");
    }

    @Test
    void enter16OnSixteenBitStackUsesBpAndSp() {
        // o16 enter 4,2 on SS.B = 0: push BP, copy word [BP-2], push FrameTemp (= SP), SP -= 4.
        FlowRig m = new FlowRig().code(0x66, 0xC8, 0x04, 0x00, 0x02);
        m.cpu.setSegment(Seg.SS, 0x10, 0x20000, 0xFFFF, 0x0093);
        m.cpu.r[Reg.ESP] = 0x55550100;
        m.cpu.r[Reg.EBP] = 0x66660200;
        m.mem.write16(0x201FE, 0xBEEF);
        m.runToEnd(FlowRig.CODE + 5);
        assertEquals(0x0200, m.mem.read16(0x200FE));
        assertEquals(0xBEEF, m.mem.read16(0x200FC));
        assertEquals(0x00FE, m.mem.read16(0x200FA));
        assertEquals(0x666600FE, m.cpu.r[Reg.EBP]);
        assertEquals(0x555500FA - 4, m.cpu.r[Reg.ESP]);
    }
}
