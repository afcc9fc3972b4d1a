package org.jvisor.machine.cpu.system;

import static org.jvisor.machine.cpu.system.ControlRig.bytes;
import static org.jvisor.machine.cpu.system.ControlRig.concat;
import static org.jvisor.machine.cpu.system.ControlRig.movImm;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TLB as the control instructions see it (SDM Vol. 3A 4.10.4): a remapped page stays
 * stale until INVLPG or a CR3 load; a global page survives CR3 loads but not INVLPG or a
 * CR4.PGE change.
 */
class ControlPagingTest {
    private static final int PD = 0x100000, PT = 0x101000, PAGE = 0x200000, OLD = 0x200000, NEW = 0x300000;
    private static final int P = 1, RW = 2, US = 4, G = 0x100;
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;

    @BeforeEach
    void identityMapFirst4MiB() {
        rig.mem.write32(PD, PT | P | RW | US);
        for (int k = 0; k < 1024; k++) rig.mem.write32(PT + 4 * k, (k << 12) | P | RW | US);
        rig.mem.write32(OLD, 0x01D01D01);
        rig.mem.write32(NEW, 0x0E00E00E);
        cpu.r[Reg.EAX] = PD;
        cpu.r[Reg.EBX] = Cpu.CR0_PE | Cpu.CR0_PG | Cpu.CR0_ET;
        rig.runClean(0x0F, 0x22, 0xD8, 0x0F, 0x22, 0xC3); // mov cr3,eax ; mov cr0,ebx
    }

    private int readPage() {
        return cpu.read32(Seg.DS, PAGE);
    }

    private void remap(int frame, int flags) {
        rig.mem.write32(PT + 4 * (PAGE >>> 12), frame | flags);
    }

    private static final int[] RELOAD_CR3 = {0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xD8}; // mov eax,cr3 ; mov cr3,eax

    @Test
    void remappedPageIsStaleUntilInvlpg() {
        assertEquals(0x01D01D01, readPage());
        remap(NEW, P | RW);
        assertEquals(0x01D01D01, readPage(), "the TLB still holds the old translation");
        cpu.r[Reg.EBX] = PAGE;
        rig.runClean(0x0F, 0x01, 0x3B); // invlpg [ebx]
        assertEquals(0x0E00E00E, readPage());
    }

    @Test
    void cr3LoadFlushesNonGlobalPages() {
        assertEquals(0x01D01D01, readPage());
        remap(NEW, P | RW);
        rig.runClean(RELOAD_CR3);
        assertEquals(0x0E00E00E, readPage());
    }

    @Test
    void globalPageSurvivesCr3LoadButNotInvlpg() {
        cpu.r[Reg.EAX] = Cpu.CR4_PGE;
        rig.runClean(0x0F, 0x22, 0xE0); // mov cr4,eax
        remap(OLD, P | RW | G);
        assertEquals(0x01D01D01, readPage());
        remap(NEW, P | RW | G);
        rig.runClean(RELOAD_CR3);
        assertEquals(0x01D01D01, readPage(), "global translation kept across the CR3 load");
        cpu.r[Reg.EBX] = PAGE;
        rig.runClean(0x0F, 0x01, 0x3B);
        assertEquals(0x0E00E00E, readPage(), "INVLPG drops global pages too");
    }

    @Test
    void clearingPgeFlushesGlobalPages() {
        cpu.r[Reg.EAX] = Cpu.CR4_PGE;
        rig.runClean(0x0F, 0x22, 0xE0);
        remap(OLD, P | RW | G);
        assertEquals(0x01D01D01, readPage());
        remap(NEW, P | RW | G);
        rig.runClean(concat(movImm(Reg.EAX, 0), bytes(0x0F, 0x22, 0xE0))); // cr4 = 0
        assertEquals(0x0E00E00E, readPage());
    }

    @Test
    void invlpgIsPrivilegedAndMemoryOnly() {
        rig.cpl(3).runFaults(Vectors.GP, 0, 0x0F, 0x01, 0x3B);
        rig.cpl(0).runFaults(Vectors.UD, 0, 0x0F, 0x01, 0xF8); // mod=3: no register form
    }

    @Test
    void cr0WpChangeFlushesTlb() {
        // A read-only supervisor page is writable at CPL 0 while WP=0; after setting WP the
        // same write must fault even though the translation was cached (SDM 4.6, 4.10.4.1).
        remap(OLD, P);
        cpu.write32(Seg.DS, PAGE, 0x12345678);
        cpu.r[Reg.EBX] = cpu.cr0 | Cpu.CR0_WP;
        rig.runClean(0x0F, 0x22, 0xC3);
        org.junit.jupiter.api.Assertions.assertThrows(org.jvisor.machine.cpu.CpuFault.class,
                () -> cpu.write32(Seg.DS, PAGE, 1));
        assertEquals(PAGE, cpu.cr2, "page fault at the page");
    }
}
