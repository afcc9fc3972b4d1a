package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.junit.jupiter.api.Test;

/** CPUID on an honest Pentium II (SDM Vol. 2 CPUID, Tables 3-8, 3-10, 3-12). */
class CpuidTest {
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;

    private int[] cpuid(int leaf) {
        cpu.r[Reg.EAX] = leaf;
        cpu.r[Reg.ECX] = 0x5A5A5A5A;
        rig.runClean(0x0F, 0xA2);
        return new int[] {cpu.r[Reg.EAX], cpu.r[Reg.EBX], cpu.r[Reg.ECX], cpu.r[Reg.EDX]};
    }

    @Test
    void leaf0IsGenuineIntelWithMaxLeaf2() {
        int[] r = cpuid(0);
        assertEquals(2, r[0]);
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(r[1]).putInt(r[3]).putInt(r[2]); // vendor string is EBX, EDX, ECX
        assertEquals("GenuineIntel", new String(b.array(), StandardCharsets.US_ASCII));
    }

    @Test
    void leaf1IsFamily6Model3WithImplementedFeaturesOnly() {
        int[] r = cpuid(1);
        assertEquals(6, (r[0] >>> 8) & 0xF, "family");
        assertEquals(3, (r[0] >>> 4) & 0xF, "model: Pentium II (Klamath)");
        assertEquals(0x633, r[0], "same signature as EDX after reset");
        // FPU DE PSE TSC MSR CX8 SEP MTRR PGE CMOV: bits 0 2 3 4 5 8 11 12 13 15.
        assertEquals(0x0000B93D, r[3]);
        int absent = 1 << 1 | 1 << 6 | 1 << 7 | 1 << 9 | 1 << 14 | 1 << 16 | 1 << 23 | 1 << 24 | 1 << 25;
        assertEquals(0, r[3] & absent, "no VME PAE MCE APIC MCA PAT MMX FXSR SSE");
        assertEquals(0, r[1]);
        assertEquals(0, r[2]);
    }

    @Test
    void apicBitOnlyWithAnEnabledLocalApic() {
        cpu.msrs.localApic = true;
        assertEquals(1 << 9, cpuid(1)[3] & (1 << 9));
        cpu.apicBase &= ~MsrFile.APIC_ENABLE;
        assertEquals(0, cpuid(1)[3] & (1 << 9), "disabled through IA32_APIC_BASE (SDM 10.4.3)");
    }

    @Test
    void leaf2CacheDescriptors() {
        assertArrayEquals(new int[] {0x03020101, 0, 0, 0x0C040843}, cpuid(2));
    }

    @Test
    void leavesAboveTheMaximumAnswerAsTheHighestBasicLeaf() {
        int[] top = cpuid(2);
        assertArrayEquals(top, cpuid(3));
        assertArrayEquals(top, cpuid(0x80000000), "no extended leaves on a P6");
        assertArrayEquals(top, cpuid(0xFFFFFFFF));
    }

    @Test
    void notPrivileged() {
        rig.cpl(3);
        assertEquals(2, cpuid(0)[0]);
    }

    @Test
    void cpuid1LatchesTheMicrocodeRevision() {
        // SDM Vol. 3A 9.11.7.1: write 0 to IA32_BIOS_SIGN_ID, CPUID(1), read the revision.
        cpu.msrs.biosSign = 0x1234_5678_9ABCL;
        cpuid(1);
        assertEquals((long) MsrFile.MICROCODE_REVISION << 32, cpu.msrs.biosSign);
    }
}
