package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/** XCHG, CMPXCHG, XADD, CMPXCHG8B, including LOCK rules and write-back on a failed compare. */
class MoveExchangeTest {
    private final AluTestRig m = new AluTestRig();

    @Test
    void exchanges() {
        m.cpu.r[0] = 1;
        m.cpu.r[3] = 2;
        m.ok(0x87, 0xD8); // xchg eax, ebx
        assertEquals(2, m.cpu.r[0]);
        assertEquals(1, m.cpu.r[3]);
        m.cpu.r[0] = 0x1234;
        m.ok(0x86, 0xE0); // xchg al, ah
        assertEquals(0x3412, m.cpu.r[0]);
        m.cpu.r[1] = 0xAAAABBBB;
        m.ok(0x66, 0x91); // xchg ax, cx
        assertEquals(0xBBBB, m.cpu.r[0]);
        assertEquals(0xAAAA3412, m.cpu.r[1]);
        m.write32(0x8000, 0x55);
        m.ok(0xF0, 0x87, 0x05, 0x00, 0x80, 0x00, 0x00); // lock xchg [0x8000], eax
        assertEquals(0xBBBB, m.read32(0x8000));
        assertEquals(0x55, m.cpu.r[0]);
        m.faults(Vectors.UD, 0xF0, 0x87, 0xD8); // lock xchg eax, ebx
    }

    @Test
    void cmpxchgRegister() {
        m.cpu.r[0] = 5;
        m.cpu.r[1] = 5;
        m.cpu.r[3] = 7;
        m.ok(0x0F, 0xB1, 0xD9); // cmpxchg ecx, ebx: equal
        assertEquals(7, m.cpu.r[1]);
        assertEquals(5, m.cpu.r[0]);
        m.assertFlags(ZF | PF);
        m.cpu.r[0] = 4;
        m.ok(0x0F, 0xB1, 0xD9); // 4 != 7: EAX = 7
        assertEquals(7, m.cpu.r[0]);
        assertEquals(7, m.cpu.r[1]);
        m.assertFlags(CF | SF | AF); // 4 - 7 = FFFFFFFD: FD has odd parity
        m.cpu.r[0] = 0x000000FF;
        m.cpu.r[3] = 0x00000011;
        m.ok(0x0F, 0xB0, 0xD8); // cmpxchg al, bl: AL == AL always
        assertEquals(0x11, m.cpu.r[0]);
    }

    @Test
    void cmpxchgMemoryWritesBackOnFailure() {
        m.write32(0x8000, 9);
        m.cpu.r[0] = 9;
        m.cpu.r[3] = 10;
        m.ok(0xF0, 0x0F, 0xB1, 0x1D, 0x00, 0x80, 0x00, 0x00); // lock cmpxchg [0x8000], ebx
        assertEquals(10, m.read32(0x8000));
        m.cpu.setSegment(Seg.DS, 0x10, 0, 0xFFFFFFFF, 0xC091); // read-only
        m.cpu.r[0] = 1;
        m.faults(Vectors.GP, 0x0F, 0xB1, 0x1D, 0x00, 0x80, 0x00, 0x00); // compare fails, still writes
        assertEquals(1, m.cpu.r[0]);
    }

    @Test
    void xadd() {
        m.cpu.r[0] = 1;
        m.cpu.r[3] = 2;
        m.ok(0x0F, 0xC1, 0xD8); // xadd eax, ebx
        assertEquals(3, m.cpu.r[0]);
        assertEquals(1, m.cpu.r[3]);
        m.cpu.r[0] = 0x80;
        m.ok(0x0F, 0xC0, 0xC0); // xadd al, al: the sum wins
        assertEquals(0x00, m.cpu.r[0]);
        m.assertFlags(CF | ZF | PF | OF); // -128 + -128 overflows
        m.write32(0x8000, 0xFFFF);
        m.cpu.r[3] = 1;
        m.ok(0x66, 0x0F, 0xC1, 0x1D, 0x00, 0x80, 0x00, 0x00); // xadd [0x8000], bx
        assertEquals(0, m.read32(0x8000));
        assertEquals(0xFFFF, m.cpu.r[3]);
        m.assertFlags(CF | ZF | PF | AF);
    }

    @Test
    void cmpxchg8b() {
        m.write32(0x8000, 0x11111111);
        m.write32(0x8004, 0x22222222);
        m.cpu.r[0] = 0x11111111;
        m.cpu.r[2] = 0x22222222;
        m.cpu.r[3] = 0xAAAAAAAA;
        m.cpu.r[1] = 0xBBBBBBBB;
        m.setFlags(CF);
        m.ok(0xF0, 0x0F, 0xC7, 0x0D, 0x00, 0x80, 0x00, 0x00); // lock cmpxchg8b [0x8000]
        assertEquals(0xAAAAAAAA, m.read32(0x8000));
        assertEquals(0xBBBBBBBB, m.read32(0x8004));
        m.assertFlags(ZF | CF); // only ZF changes
        m.ok(0x0F, 0xC7, 0x0D, 0x00, 0x80, 0x00, 0x00); // now unequal: EDX:EAX loaded
        assertEquals(0xAAAAAAAA, m.cpu.r[0]);
        assertEquals(0xBBBBBBBB, m.cpu.r[2]);
        m.assertFlags(CF);
        m.faults(Vectors.UD, 0x0F, 0xC7, 0xC8); // register form
    }

    @Test
    void cmpxchg8bChecksBothHalvesBeforeWriting() {
        m.cpu.setSegment(Seg.DS, 0x10, 0, 0x8002, 0xC093); // the last byte is past the limit
        m.write32(0x7FFC, 0);
        m.cpu.r[0] = 0;
        m.cpu.r[2] = 0;
        m.cpu.r[3] = 0x12345678;
        m.faults(Vectors.GP, 0x0F, 0xC7, 0x0D, 0xFC, 0x7F, 0x00, 0x00); // cmpxchg8b [0x7ffc]
        assertEquals(0, m.read32(0x7FFC));
    }
}
