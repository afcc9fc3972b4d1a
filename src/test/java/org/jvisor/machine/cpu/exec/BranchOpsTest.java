package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;

/** Near branches, LOOP/JCXZ, CALL/RET, software interrupts and BOUND against SDM Vol. 2. */
class BranchOpsTest {
    @Test
    void jccFollowsCondition() {
        // jz +2 (taken: ZF=1) skips "ud2"; then jnz +2 (not taken) falls into the final ud2.
        FlowRig m = new FlowRig().code(0x74, 0x02, 0x0F, 0x0B, 0x0F, 0x85, 0x10, 0x00, 0x00, 0x00);
        m.cpu.setArithFlags(Flags.ZF);
        m.runToEnd(FlowRig.CODE + 10);
    }

    @Test
    void jccNearSignedDisplacement() {
        // At 0x1000: jmp +0x20 to 0x1022: jo rel32 -0x22 (OF=1) back to 0x1006: ud2.
        FlowRig m = new FlowRig().code(0xEB, 0x20, 0x90, 0x90, 0x90, 0x90, 0x0F, 0x0B);
        m.codeAt(0x1022, 0x0F, 0x80, 0xDE, 0xFF, 0xFF, 0xFF); // next = 0x1028, 0x1028 - 0x22 = 0x1006
        m.cpu.setArithFlags(Flags.OF);
        m.runToEnd(0x1006);
    }

    @Test
    void sixteenBitOperandSizeTruncatesTarget() {
        // 66 E9 rel16 at 0x10FF0: next 0x10FF4 + 0x20 = 0x11014, truncated to 0x1014.
        FlowRig m = new FlowRig().codeAt(0x10FF0, 0x66, 0xE9, 0x20, 0x00);
        m.codeAt(0x1014);
        m.cpu.eip = 0x10FF0;
        m.runToEnd(0x1014);
    }

    @Test
    void targetBeyondCsLimitFaultsBeforeCallPushes() {
        FlowRig m = new FlowRig().code(0xE8, 0x00, 0x20, 0x00, 0x00); // call +0x2000 -> 0x3005
        m.cpu.setSegment(Seg.CS, 0x08, 0, 0x2FFF, 0x409B);
        m.runToFault(Vectors.GP, 0, FlowRig.CODE);
        assertEquals(0x8000, m.cpu.r[Reg.ESP], "nothing pushed");
        assertEquals(0, m.read32(0x7FFC));
    }

    @Test
    void callAndRetWithImmediate() {
        // call 0x1010 ; ud2 | at 0x1010: ret 8
        FlowRig m = new FlowRig().code(0xE8, 0x0B, 0x00, 0x00, 0x00);
        m.codeAt(0x1010, 0xC2, 0x08, 0x00);
        m.runToEnd(0x1005);
        assertEquals(0x1005, m.read32(0x7FFC));
        assertEquals(0x8008, m.cpu.r[Reg.ESP]);
    }

    @Test
    void retToTargetBeyondLimitLeavesEsp() {
        FlowRig m = new FlowRig().code(0xC3);
        m.cpu.setSegment(Seg.CS, 0x08, 0, 0x2FFF, 0x409B);
        m.write32(0x8000, 0x3000);
        m.runToFault(Vectors.GP, 0, FlowRig.CODE);
        assertEquals(0x8000, m.cpu.r[Reg.ESP]);
    }

    @Test
    void indirectCallThroughMemoryAndJumpThroughRegister() {
        // call [0x3000] -> 0x1020: jmp eax (0x1030): ud2
        FlowRig m = new FlowRig().code(0xFF, 0x15, 0x00, 0x30, 0x00, 0x00);
        m.write32(0x3000, 0x1020);
        m.codeAt(0x1020, 0xFF, 0xE0);
        m.codeAt(0x1030);
        m.cpu.r[Reg.EAX] = 0x1030;
        m.runToEnd(0x1030);
        assertEquals(0x1006, m.read32(0x7FFC));
    }

    @Test
    void loopWithSixteenBitAddressSizeCountsCx() {
        // lodsb ; a16 loop -4. CX = 0 means 65536 iterations; ECX[31:16] untouched.
        FlowRig m = new FlowRig().code(0xAC, 0x67, 0xE2, 0xFC);
        m.cpu.r[Reg.ECX] = 0x00050000;
        m.cpu.r[Reg.ESI] = 0x10000;
        m.runToEnd(FlowRig.CODE + 4);
        assertEquals(0x00050000, m.cpu.r[Reg.ECX]);
        assertEquals(0x20000, m.cpu.r[Reg.ESI]);
    }

    @Test
    void loopWithThirtyTwoBitCount() {
        FlowRig m = new FlowRig().code(0xAC, 0xE2, 0xFD);
        m.cpu.r[Reg.ECX] = 0x10003;
        m.cpu.r[Reg.ESI] = 0x10000;
        m.runToEnd(FlowRig.CODE + 3);
        assertEquals(0, m.cpu.r[Reg.ECX]);
        assertEquals(0x20003, m.cpu.r[Reg.ESI]);
    }

    @Test
    void loopeStopsWhenZfClear() {
        // scasb ; loope -3: AL = 'a' against "aab": stops after the 3rd compare (mismatch).
        FlowRig m = new FlowRig().code(0xAE, 0xE1, 0xFD);
        m.mem.load(0x3000, new byte[] {'a', 'a', 'b', 'a'});
        m.cpu.r[Reg.EAX] = 'a';
        m.cpu.r[Reg.EDI] = 0x3000;
        m.cpu.r[Reg.ECX] = 10;
        m.runToEnd(FlowRig.CODE + 3);
        assertEquals(7, m.cpu.r[Reg.ECX]);
        assertEquals(0x3003, m.cpu.r[Reg.EDI]);
    }

    @Test
    void jcxzUsesAddressSize() {
        // a16 jcxz +2 (CX = 0 though ECX != 0: taken) ; ud2 ; jecxz +2 (not taken) ; ud2
        FlowRig m = new FlowRig().code(0x67, 0xE3, 0x02, 0x0F, 0x0B, 0xE3, 0x02);
        m.cpu.r[Reg.ECX] = 0x10000;
        m.runToEnd(FlowRig.CODE + 7);
    }

    @Test
    void int3AndIntoAreSoftwareInterrupts() {
        FlowRig m = new FlowRig().code(0xCE, 0xCC); // into (OF=0: nothing) ; int3
        assertEquals(new Exit.Exception(Vectors.BP, 0, false, true), m.run());
        assertEquals(FlowRig.CODE + 2, m.cpu.eip, "EIP past INT3");
        FlowRig o = new FlowRig().code(0xCE);
        o.cpu.setArithFlags(Flags.OF);
        assertEquals(new Exit.Exception(Vectors.OF, 0, false, true), o.run());
        FlowRig n = new FlowRig().code(0xCD, 0x80);
        assertEquals(new Exit.Exception(0x80, 0, false, true), n.run());
        assertEquals(FlowRig.CODE + 2, n.cpu.eip);
    }

    @Test
    void boundRaisesBrOutsideSignedRange() {
        // bound eax, [0x3000] with bounds [-5, 10].
        int[] code = {0x62, 0x05, 0x00, 0x30, 0x00, 0x00};
        for (int index : new int[] {-5, 0, 10, -6, 11}) {
            FlowRig m = new FlowRig().code(code);
            m.write32(0x3000, -5);
            m.write32(0x3004, 10);
            m.cpu.r[Reg.EAX] = index;
            if (index >= -5 && index <= 10) {
                m.runToEnd(FlowRig.CODE + 6);
            } else {
                assertEquals(new Exit.Exception(Vectors.BR, 0, false, false), m.run(), "index " + index);
                assertEquals(FlowRig.CODE, m.cpu.eip);
            }
        }
    }

    @Test
    void realModeCallPushesIpAndRetPopsIt() {
        // 16-bit code at 0000:1000, stack 0000:8000: call +0x10 (e8 10 00) -> 0x1013: ret.
        FlowRig m = new FlowRig().code(0xE8, 0x10, 0x00);
        m.codeAt(0x1013, 0xC3);
        m.cpu.cr0 &= ~1;
        for (int s = 0; s < 6; s++) m.cpu.setSegment(s, 0, 0, 0xFFFF, s == Seg.CS ? 0x9B : 0x93);
        m.cpu.refreshSegments();
        m.cpu.r[Reg.ESP] = 0xFFFF8000;
        m.runToEnd(0x1003);
        assertEquals(0x1003, m.mem.read16(0x7FFE));
        assertEquals(0xFFFF8000, m.cpu.r[Reg.ESP], "SP back, upper ESP untouched");
    }
}
