package org.jvisor.machine.cpu.system;

import static org.jvisor.machine.cpu.system.ControlRig.concat;
import static org.jvisor.machine.cpu.system.ControlRig.movImm;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RDMSR/WRMSR, RDTSC and RDPMC (SDM Vol. 2; Vol. 3A 11.11, 17.17). */
class MsrTest {
    private static final int[] RDMSR = {0x0F, 0x32}, WRMSR = {0x0F, 0x30}, RDTSC = {0x0F, 0x31}, RDPMC = {0x0F, 0x33};
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;

    private long rdmsr(int index) {
        cpu.r[Reg.ECX] = index;
        rig.runClean(RDMSR);
        return (cpu.r[Reg.EAX] & 0xFFFFFFFFL) | ((long) cpu.r[Reg.EDX] << 32);
    }

    private void wrmsr(int index, long v) {
        cpu.r[Reg.ECX] = index;
        cpu.r[Reg.EAX] = (int) v;
        cpu.r[Reg.EDX] = (int) (v >>> 32);
        rig.runClean(WRMSR);
    }

    private void wrmsrFaults(int index, long v) {
        cpu.r[Reg.ECX] = index;
        cpu.r[Reg.EAX] = (int) v;
        cpu.r[Reg.EDX] = (int) (v >>> 32);
        rig.runFaults(Vectors.GP, 0, WRMSR);
    }

    @Test
    void sysenterMsrsRoundTrip() {
        wrmsr(0x174, 0x10);
        wrmsr(0x175, 0xC0FFEE00L);
        wrmsr(0x176, 0xC0100000L);
        assertEquals(0x10, cpu.sysenterCs);
        assertEquals(0xC0FFEE00L, rdmsr(0x175));
        assertEquals(0xC0100000L, rdmsr(0x176));
    }

    @Test
    void mtrrCapabilityIsP6() {
        assertEquals(0x508, rdmsr(0xFE), "8 variable ranges, fixed ranges, write-combining");
        wrmsrFaults(0xFE, 0x508);
    }

    @Test
    void mtrrsStoreValidValuesAndRejectReservedBitsAndTypes() {
        wrmsr(0x200, 0x0_0000_0006L); // PhysBase0: WB at 0
        wrmsr(0x201, 0xF_F800_0800L); // PhysMask0: 128 MiB, valid
        assertEquals(0xF_F800_0800L, rdmsr(0x201));
        wrmsrFaults(0x200, 0x0000_0002L); // type 2 is reserved
        wrmsrFaults(0x200, 0x0000_0106L); // bit 8 reserved
        wrmsrFaults(0x201, 0x10_0000_0800L); // bit 36: beyond 36 physical bits
        wrmsr(0x250, 0x0606060606060606L);
        assertEquals(0x0606060606060606L, rdmsr(0x250));
        wrmsrFaults(0x26F, 0x0606060706060606L); // one byte type 7
        wrmsr(0x2FF, 0xC06);
        assertEquals(0xC06, rdmsr(0x2FF));
        wrmsrFaults(0x2FF, 0x1006);
        assertEquals(0, rdmsr(0x20F), "PhysMask7 exists and starts invalid");
    }

    @Test
    void unknownMsrsAreGp() {
        for (int index : new int[] {0x0, 0x11, 0x79, 0x179, 0x17A, 0x400, 0x210, 0x277, 0xC0000080}) {
            cpu.r[Reg.ECX] = index;
            rig.runFaults(Vectors.GP, 0, RDMSR);
        }
        wrmsrFaults(0x17, 0); // PLATFORM_ID is read-only
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void msrAccessIsPrivileged(int cpl) {
        rig.cpl(cpl);
        cpu.r[Reg.ECX] = 0x10;
        rig.runFaults(Vectors.GP, 0, RDMSR);
        rig.runFaults(Vectors.GP, 0, WRMSR);
    }

    @Test
    void apicBaseKeepsBspAndRejectsReservedBits() {
        assertEquals(0xFEE00900L, rdmsr(0x1B));
        wrmsr(0x1B, 0xFEC00000L); // move and disable; BSP is not writable
        assertEquals(0xFEC00100L, rdmsr(0x1B));
        wrmsrFaults(0x1B, 0xFEE00001L);
    }

    @Test
    void tscCountsRetiredInstructionsAndWritesClearTheHighHalf() {
        cpu.r[Reg.ECX] = 0x10;
        cpu.r[Reg.EAX] = 1000;
        cpu.r[Reg.EDX] = 7;
        // wrmsr ; nop ; nop ; rdtsc : three instructions retire after the write completes
        rig.runClean(concat(new int[] {0x0F, 0x30, 0x90, 0x90}, RDTSC));
        assertEquals(1000 + 3 * Tsc.TICKS_PER_INSTRUCTION, cpu.r[Reg.EAX] & 0xFFFFFFFFL);
        assertEquals(0, cpu.r[Reg.EDX], "P6: only the low 32 bits are written, the high half is cleared");
        assertEquals(1000 + 4 * Tsc.TICKS_PER_INSTRUCTION, Msrs.read(cpu, 0x10), "RDTSC itself has retired since");
    }

    @Test
    void rdtscHonoursCr4Tsd() {
        rig.cpl(3).runClean(RDTSC);
        cpu.cr4 = Cpu.CR4_TSD;
        rig.runFaults(Vectors.GP, 0, RDTSC);
        rig.cpl(1).runFaults(Vectors.GP, 0, RDTSC);
        rig.cpl(0).runClean(RDTSC);
    }

    @Test
    void rdpmcHonoursCr4PceAndCounterNumber() {
        wrmsr(0xC2, 0x80000001L); // low 32 bits written, sign-extended to 40 bits
        cpu.r[Reg.ECX] = 1;
        rig.runClean(RDPMC);
        assertEquals(0x80000001, cpu.r[Reg.EAX]);
        assertEquals(0xFF, cpu.r[Reg.EDX]);
        cpu.r[Reg.ECX] = 2;
        rig.runFaults(Vectors.GP, 0, RDPMC);
        cpu.r[Reg.ECX] = 0;
        rig.cpl(3).runFaults(Vectors.GP, 0, RDPMC);
        cpu.cr4 = Cpu.CR4_PCE;
        rig.runClean(RDPMC);
    }

    @Test
    void writesGoThroughTheMovImmediateForm() {
        // A whole sequence as a kernel would write it: mov ecx,174h ; mov eax,8 ; xor-free edx ; wrmsr
        rig.runClean(concat(movImm(Reg.ECX, 0x174), movImm(Reg.EAX, 8), movImm(Reg.EDX, 0), WRMSR));
        assertEquals(8, cpu.sysenterCs);
    }

    @Test
    void resetRestartsTheTscAndClearsTheMtrrs() {
        wrmsr(0x2FF, 0xC06);
        rig.runClean(0x90, 0x90, 0x90);
        cpu.reset();
        assertEquals(0, Msrs.read(cpu, 0x10), "TSC is 0 after reset (SDM 17.17)");
        assertEquals(0, Msrs.read(cpu, 0x2FF), "MTRRs disabled after reset (SDM 11.11.2.1)");
    }
}
