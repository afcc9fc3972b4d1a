package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/** BT family addressing (SDM "bit base / bit offset"), BSF/BSR, BSWAP, SETcc, CMOVcc. */
class BitOpsTest {
    private final AluTestRig m = new AluTestRig();

    @Test
    void registerOperandTakesOffsetModuloWidth() {
        m.cpu.r[0] = 0x80000000;
        m.setFlags(ZF);
        m.ok(0x0F, 0xBA, 0xE0, 0x1F); // bt eax, 31
        m.assertFlags(CF | ZF, CF | ZF); // ZF is unaffected
        m.cpu.r[3] = 33;
        m.ok(0x0F, 0xBB, 0xD8); // btc eax, ebx: bit 1
        assertEquals(0x80000002, m.cpu.r[0]);
        m.assertFlags(0, CF);
        m.ok(0x66, 0x0F, 0xBA, 0xE8, 0x11); // bts ax, 17: bit 1 of AX
        assertEquals(0x80000002, m.cpu.r[0]);
        m.assertFlags(CF, CF);
        m.ok(0x0F, 0xBA, 0xF0, 0x3F); // btr eax, 63: bit 31
        assertEquals(0x00000002, m.cpu.r[0]);
        m.assertFlags(CF, CF);
    }

    @Test
    void registerOffsetAddressesBeyondTheMemoryOperand() {
        m.write32(0x8004, 0);
        m.cpu.r[3] = 35; // dword 1, bit 3
        m.ok(0x0F, 0xAB, 0x1D, 0x00, 0x80, 0x00, 0x00); // bts [0x8000], ebx
        assertEquals(8, m.read32(0x8004));
        m.assertFlags(0, CF);
        m.write32(0x7FFC, 0x80000000);
        m.cpu.r[3] = -1; // dword -1, bit 31
        m.ok(0x0F, 0xA3, 0x1D, 0x00, 0x80, 0x00, 0x00); // bt [0x8000], ebx
        m.assertFlags(CF, CF);
        m.cpu.r[3] = 0xFFFFFFEF; // BX = -17: word -2, bit 15
        m.write32(0x7FFC, 0x00008000);
        m.ok(0x66, 0x0F, 0xB3, 0x1D, 0x00, 0x80, 0x00, 0x00); // btr word [0x8000], bx
        assertEquals(0, m.read32(0x7FFC));
        m.assertFlags(CF, CF);
    }

    @Test
    void immediateOffsetStaysInsideTheOperand() {
        m.write32(0x8000, 2);
        m.write32(0x8004, 0);
        m.ok(0x0F, 0xBA, 0x25, 0x00, 0x80, 0x00, 0x00, 0x21); // bt dword [0x8000], 33
        m.assertFlags(CF, CF);
    }

    @Test
    void lockedBitTestAndSetNeedsMemory() {
        m.write32(0x8000, 0);
        m.ok(0xF0, 0x0F, 0xBA, 0x2D, 0x00, 0x80, 0x00, 0x00, 0x04); // lock bts dword [0x8000], 4
        assertEquals(0x10, m.read32(0x8000));
        m.faults(Vectors.UD, 0xF0, 0x0F, 0xBA, 0xE8, 0x04); // lock bts eax, 4
        m.faults(Vectors.UD, 0xF0, 0x0F, 0xA3, 0x1D, 0x00, 0x80, 0x00, 0x00); // lock bt: not lockable
    }

    @Test
    void bitScans() {
        m.cpu.r[3] = 0x00010000;
        m.ok(0x0F, 0xBC, 0xC3); // bsf eax, ebx
        assertEquals(16, m.cpu.r[0]);
        m.assertFlags(0, ZF);
        m.cpu.r[3] = 0x00018001;
        m.ok(0x0F, 0xBD, 0xC3); // bsr eax, ebx
        assertEquals(16, m.cpu.r[0]);
        m.cpu.r[3] = 0;
        m.cpu.r[0] = 0x12345678;
        m.ok(0x0F, 0xBC, 0xC3); // source 0: ZF set, destination unchanged
        assertEquals(0x12345678, m.cpu.r[0]);
        m.assertFlags(ZF, ZF);
        m.cpu.r[3] = 0xFFFF8000;
        m.ok(0x66, 0x0F, 0xBD, 0xC3); // bsr ax, bx
        assertEquals(0x1234000F, m.cpu.r[0]);
    }

    @Test
    void byteSwap() {
        m.cpu.r[1] = 0x12345678;
        m.ok(0x0F, 0xC9); // bswap ecx
        assertEquals(0x78563412, m.cpu.r[1]);
        m.ok(0x66, 0x0F, 0xC9); // bswap cx: P6 clears the low word
        assertEquals(0x78560000, m.cpu.r[1]);
    }

    @Test
    void setcc() {
        m.cpu.r[0] = 0xFFFFFFFF;
        m.setFlags(ZF);
        m.ok(0x0F, 0x94, 0xC0); // sete al
        assertEquals(0xFFFFFF01, m.cpu.r[0]);
        m.setFlags(SF);
        m.ok(0x0F, 0x9C, 0xC4); // setl ah: SF != OF
        assertEquals(0xFFFF0101, m.cpu.r[0]);
        m.setFlags(SF | OF);
        m.cpu.mem.write8(0x8000, 0xFF);
        m.ok(0x0F, 0x9C, 0x05, 0x00, 0x80, 0x00, 0x00); // setl [0x8000]
        assertEquals(0, m.cpu.mem.read8(0x8000));
        m.setFlags(0);
        m.ok(0x0F, 0x97, 0xF8); // seta al, with ModRM.reg = 7 (ignored)
        assertEquals(0xFFFF0101, m.cpu.r[0]);
    }

    @Test
    void cmovReadsItsSourceEvenWhenFalse() {
        m.cpu.r[0] = 1;
        m.cpu.r[3] = 2;
        m.setFlags(0);
        m.ok(0x0F, 0x44, 0xC3); // cmove eax, ebx: not taken
        assertEquals(1, m.cpu.r[0]);
        m.ok(0x0F, 0x45, 0xC3); // cmovne eax, ebx
        assertEquals(2, m.cpu.r[0]);
        m.cpu.r[0] = 0xAAAA5555;
        m.ok(0x66, 0x0F, 0x45, 0xC3); // cmovne ax, bx
        assertEquals(0xAAAA0002, m.cpu.r[0]);
        m.cpu.setSegment(Seg.DS, 0x10, 0, 0xFFF, 0xC093); // DS limit below 0x8000
        m.faults(Vectors.GP, 0x0F, 0x44, 0x05, 0x00, 0x80, 0x00, 0x00); // cmove eax, [0x8000], false
        m.setFlags(OF);
        m.ok(0x0F, 0x40, 0x05, 0x00, 0x01, 0x00, 0x00); // cmovo eax, [0x100]
        assertEquals(m.read32(0x100), m.cpu.r[0]);
    }
}
