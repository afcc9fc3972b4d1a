package org.jvisor.machine.cpu.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Seg;
import org.junit.jupiter.api.Test;

/** FNSAVE/FRSTOR and FNSTENV/FLDENV images (SDM Vol. 1 Figures 8-9 to 8-12). */
class X87EnvironmentTest {
    /** fninit; fldcw; fld1; fldz; fld m64 (at DATA+8); the image goes to DATA+0x100. */
    private static X87Machine threeValues(int[] lastInsnAt) {
        X87Machine m = new X87Machine();
        m.put16(0, 0x0B7F); // RC up, PC 53 ... plus reserved bit 6
        m.putDouble(8, -0.75);
        m.op(0xDB, 0xE3).mem(0xD9, 5, 0).op(0xD9, 0xE8, 0xD9, 0xEE);
        lastInsnAt[0] = m.here();
        return m.mem(0xDD, 0, 8);
    }

    @Test
    void fnsave32ProtectedModeLayoutAndRoundTrip() {
        int[] last = new int[1];
        X87Machine m = threeValues(last);
        m.mem(0xDD, 6, 0x100);     // fnsave
        m.op(0xD9, 0xE8);         // fld1 on the reinitialized unit
        m.mem(0xDD, 4, 0x100);     // frstor
        assertInstanceOf(Exit.Halted.class, m.run());
        int img = 0x100;
        assertEquals(0xFFFF0B7F, m.get32(img));
        int status = m.get32(img + 4);
        assertEquals(0xFFFF0000 | 5 << 11, status);
        // tags: R5 = -0.75 valid (00), R6 = 0 zero (01), R7 = 1 valid (00), R0-R4 empty (11)
        assertEquals(0xFFFF0000 | 0b00_01_00_11_11_11_11_11, m.get32(img + 8));
        assertEquals(last[0], m.get32(img + 12));
        int selector = m.cpu.segSel[Seg.CS];
        assertEquals(selector | (0x500 | 0x05) << 16, m.get32(img + 16)); // FOP = DD 05 -> 0x505
        assertEquals(X87Machine.DATA + 8, m.get32(img + 20));
        assertEquals(0xFFFF0000 | m.cpu.segSel[Seg.DS], m.get32(img + 24));
        // registers in stack order: ST0 = -0.75, ST1 = 0, ST2 = 1
        assertEquals(0xC000000000000000L, m.get64(img + 28));
        assertEquals(0xBFFE, m.get16(img + 36));
        assertEquals(0L, m.get64(img + 38));
        assertEquals(0, m.get16(img + 46));
        assertEquals(0x8000000000000000L, m.get64(img + 48));
        assertEquals(0x3FFF, m.get16(img + 56));
        // after FRSTOR the state is back
        FpuState f = m.fpu();
        assertEquals(0x0B7F, f.control);
        assertEquals(5, f.top());
        assertEquals(0xBFFE, f.seOf(0));
        assertEquals(0x3FFF, f.seOf(2));
        assertEquals(0x0F7F & 0x0B7F, f.control & 0x0F7F);
    }

    @Test
    void fnsaveReinitializes() {
        int[] last = new int[1];
        X87Machine m = threeValues(last);
        m.mem(0xDD, 6, 0x100);
        assertInstanceOf(Exit.Halted.class, m.run());
        assertEquals(0x037F, m.fpu().control);
        assertEquals(0, m.fpu().status);
        assertEquals(0xFFFF, m.fpu().storedTag());
    }

    @Test
    void fnstenv16BitAndMasking() {
        int[] last = new int[1];
        X87Machine m = threeValues(last);
        m.op(0x66).mem(0xD9, 6, 0x200); // o16 fnstenv: 14 bytes
        assertInstanceOf(Exit.Halted.class, m.run());
        int img = 0x200;
        assertEquals(0x0B7F, m.get16(img));
        assertEquals(5 << 11, m.get16(img + 2));
        assertEquals(0b00_01_00_11_11_11_11_11, m.get16(img + 4));
        assertEquals(last[0] & 0xFFFF, m.get16(img + 6));
        assertEquals(m.cpu.segSel[Seg.CS], m.get16(img + 8));
        assertEquals((X87Machine.DATA + 8) & 0xFFFF, m.get16(img + 10));
        assertEquals(m.cpu.segSel[Seg.DS], m.get16(img + 12));
        assertEquals(0x0B7F | 0x3F, m.fpu().control);
    }

    @Test
    void fldenvTakesTheImage() {
        X87Machine m = new X87Machine();
        int img = 0x300;
        m.put32(img, 0x0000027F);      // control: PC 53 (reserved bit 6 reads back as 1)
        m.put32(img + 4, 3 << 11 | FpuState.C3 | FpuState.PE);
        m.put32(img + 8, 0xFFFF);
        m.put32(img + 12, 0x12345678);
        m.put32(img + 16, 0x0123_0008);
        m.put32(img + 20, 0x9ABC);
        m.put32(img + 24, 0x10);
        m.mem(0xD9, 4, img);
        assertInstanceOf(Exit.Halted.class, m.run());
        FpuState f = m.fpu();
        assertEquals(0x027F, f.control);
        assertEquals(3, f.top());
        assertEquals(FpuState.C3 | FpuState.PE, f.status & (FpuState.C3 | 0xFF));
        assertEquals(0x12345678, f.fip);
        assertEquals(0x123, f.fop);
        assertEquals(0x9ABC, f.fdp);
    }

    @Test
    void realModeLayoutsCarryLinearPointers() {
        org.jvisor.machine.memory.PhysicalMemory mem = new org.jvisor.machine.memory.PhysicalMemory(1 << 20);
        // at 0x1000: fninit; fld1; fnstenv [0x200] (14 bytes); o32 fnstenv [0x220] (28 bytes); hlt
        mem.load(0x1000, new byte[] {(byte) 0xDB, (byte) 0xE3, (byte) 0xD9, (byte) 0xE8,
            (byte) 0xD9, 0x36, 0x00, 0x02, 0x66, (byte) 0xD9, 0x36, 0x20, 0x02, (byte) 0xF4});
        org.jvisor.machine.cpu.Cpu cpu = new org.jvisor.machine.cpu.Cpu(mem, new org.jvisor.machine.memory.PortBus());
        cpu.setSegment(Seg.CS, 0x0100, 0x1000, 0xFFFF, 0x9B);
        cpu.setSegment(Seg.DS, 0x0200, 0x2000, 0xFFFF, 0x93);
        cpu.eip = 0;
        cpu.interceptExceptions = true;
        assertInstanceOf(Exit.Halted.class, cpu.run(100));
        int img = 0x2200;
        assertEquals(0x037F, mem.read16(img));
        assertEquals(7 << 11, mem.read16(img + 2));
        assertEquals(0x3FFF, mem.read16(img + 4));
        assertEquals(0x1002, mem.read16(img + 6));        // linear FIP bits 15-0 (CS * 16 + IP)
        assertEquals(0x1E8, mem.read16(img + 8));         // FIP bits 19-16 = 0, opcode D9 E8
        int img32 = 0x2220;
        assertEquals(0xFFFF037F, mem.read32(img32));
        assertEquals(0xFFFF1002, mem.read32(img32 + 12)); // FIP bits 15-0, reserved as 1s
        assertEquals(0x1E8, mem.read32(img32 + 16));      // FIP bits 31-16 in 27-12 (zero), opcode
    }
}
