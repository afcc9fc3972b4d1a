package org.jvisor.machine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/**
 * A boot sector's switch to protected mode (SDM Vol. 3A 9.9.1): real-mode stack, LGDT,
 * CR0.PE, a far jump into a 32-bit code segment, data segments from the new GDT.
 */
class RealModeBootTest {
    /*
     * Assembled from (GNU as, .code16 at 0x7c00):
     *   cli; xor ax,ax; mov ds,ax; mov ss,ax; mov sp,0x7000; push 0x1234; pop bx
     *   lgdtl [0x7c58]; mov eax,cr0; or al,1; mov cr0,eax; ljmpl 0x08:0x7c24
     *   .code32: mov ax,0x10; mov ds,ax; mov es,ax; mov ss,ax; mov esp,0x90000
     *   mov dword [0x9000],0xCAFEF00D; push ebx; pop ecx; hlt
     *   gdt at 0x7c40: null, flat code 0x00CF9A000000FFFF, flat data 0x00CF92000000FFFF; gdtr at 0x7c58
     */
    private static final int[] BOOT = {
        0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00, 0x70, 0x68, 0x34,
        0x12, 0x5b, 0x66, 0x0f, 0x01, 0x16, 0x58, 0x7c, 0x0f, 0x20, 0xc0, 0x0c,
        0x01, 0x0f, 0x22, 0xc0, 0x66, 0xea, 0x24, 0x7c, 0x00, 0x00, 0x08, 0x00,
        0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0, 0xbc, 0x00,
        0x00, 0x09, 0x00, 0xc7, 0x05, 0x00, 0x90, 0x00, 0x00, 0x0d, 0xf0, 0xfe,
        0xca, 0x53, 0x59, 0xf4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00,
        0x00, 0x92, 0xcf, 0x00, 0x17, 0x00, 0x40, 0x7c, 0x00, 0x00};

    @Test
    void bootSectorSwitchesToProtectedMode() {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        byte[] image = new byte[BOOT.length];
        for (int k = 0; k < image.length; k++) image[k] = (byte) BOOT[k];
        mem.load(0x7C00, image);
        Cpu cpu = new Cpu(mem, new PortBus());
        // The firmware's jump to 0000:7C00 in real mode.
        cpu.setSegment(Seg.CS, 0, 0, 0xFFFF, 0x9B);
        cpu.eip = 0x7C00;
        Exit e = cpu.run(1000);
        assertInstanceOf(Exit.Halted.class, e);
        assertTrue(cpu.isProtectedMode());
        assertTrue(cpu.code32(), "CS.D from the new descriptor");
        assertEquals(0x08, cpu.segSel[Seg.CS]);
        assertEquals(0x10, cpu.segSel[Seg.SS]);
        assertEquals(0xFFFFFFFF, cpu.segLimit[Seg.DS]);
        assertEquals(0xCAFEF00D, mem.read32(0x9000));
        assertEquals(0x1234, cpu.r[Reg.ECX]);
        assertEquals(0x90000, cpu.r[Reg.ESP]);
        assertEquals(0x7C00 + 0x40, cpu.eip);
    }
}
