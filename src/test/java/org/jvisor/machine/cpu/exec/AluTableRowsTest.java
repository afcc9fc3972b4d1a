package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Isa;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * The opcode-table rows of the integer families carry the SDM's facts: which flags each
 * leaves undefined ("Flags Affected"), which accept LOCK, and which 64-bit mode removed.
 */
class AluTableRowsTest {
    private static final int ALL = CF | PF | AF | ZF | SF | OF;
    private final OpcodeTable t = Isa.table();

    private Entry row(int opcode, int reg) {
        Entry e = t.lookup(opcode, reg < 0 ? 0 : reg << 3);
        assertNotNull(e, () -> Integer.toHexString(opcode) + "/" + reg);
        return e;
    }

    private void undefined(int expected, int opcode, int reg) {
        assertEquals(expected, row(opcode, reg).undefinedFlags, () -> row(opcode, reg).toString());
    }

    @Test
    void undefinedFlagMasks() {
        undefined(0, 0x01, -1);          // add
        undefined(AF, 0x21, -1);         // and
        undefined(AF, 0x85, -1);         // test
        undefined(0, 0x81, 7);           // cmp
        undefined(SF | ZF | AF | PF, 0xF7, 4); // mul
        undefined(SF | ZF | AF | PF, 0x1AF, -1); // imul r, r/m
        undefined(ALL, 0xF7, 6);         // div
        undefined(ALL, 0xF6, 7);         // idiv
        undefined(AF, 0xD1, 4);          // shl by 1
        undefined(AF | OF, 0xD3, 5);     // shr by CL
        undefined(0, 0xD0, 0);           // rol by 1
        undefined(OF, 0xC1, 3);          // rcr by imm
        undefined(AF | OF, 0x1A4, -1);   // shld
        undefined(OF | SF | AF | PF, 0x1A3, -1); // bt
        undefined(CF | OF | SF | AF | PF, 0x1BC, -1); // bsf
        undefined(OF, 0x27, -1);         // daa
        undefined(OF | SF | ZF | PF, 0x37, -1); // aaa
        undefined(OF | AF | CF, 0xD4, -1); // aam
        undefined(0, 0x1B1, -1);         // cmpxchg
        undefined(0, 0xFF, 0);           // inc
        undefined(0, 0xF7, 3);           // neg
    }

    @Test
    void lockableRows() {
        int[][] lockable = {{0x00, -1}, {0x09, -1}, {0x11, -1}, {0x19, -1}, {0x21, -1}, {0x29, -1}, {0x31, -1},
            {0x80, 0}, {0x81, 6}, {0x82, 2}, {0x83, 5}, {0x86, -1}, {0x87, -1}, {0xF6, 2}, {0xF7, 3}, {0xFE, 0},
            {0xFF, 1}, {0x1AB, -1}, {0x1B3, -1}, {0x1BB, -1}, {0x1BA, 5}, {0x1BA, 7}, {0x1B0, -1}, {0x1C1, -1}};
        for (int[] r : lockable) assertTrue(row(r[0], r[1]).has(Entry.LOCKABLE), row(r[0], r[1]).toString());
        int[][] not = {{0x39, -1}, {0x03, -1}, {0x80, 7}, {0x83, 7}, {0x85, -1}, {0x1A3, -1}, {0x1BA, 4},
            {0x88, -1}, {0x1AF, -1}, {0xF7, 4}, {0xD1, 4}, {0x1A5, -1}};
        for (int[] r : not) assertFalse(row(r[0], r[1]).has(Entry.LOCKABLE), row(r[0], r[1]).toString());
        assertTrue(t.lookup(0x1C7, 0x08).has(Entry.LOCKABLE)); // cmpxchg8b [eax]
    }

    @Test
    void formsMissingFromLongMode() {
        for (int op : new int[] {0x27, 0x2F, 0x37, 0x3F, 0xD4, 0xD5, 0xD6, 0x40, 0x47, 0x48, 0x4F}) {
            assertTrue(row(op, -1).has(Entry.NOT_IN_LONG_MODE), row(op, -1).toString());
        }
        assertTrue(row(0x82, 0).has(Entry.NOT_IN_LONG_MODE));
        for (int op : new int[] {0x01, 0x80, 0x83, 0xD7, 0x9E, 0x9F, 0x1C8, 0x1B6}) {
            assertFalse(row(op, op >= 0x80 && op <= 0x83 ? 0 : -1).has(Entry.NOT_IN_LONG_MODE));
        }
    }
}
