package org.jvisor.machine.cpu.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.jvisor.machine.cpu.Isa;
import org.jvisor.machine.cpu.decode.Entry;
import org.junit.jupiter.api.Test;

/**
 * The harness itself, checked against values worked out from the SDM: if it ran cases
 * wrongly, the differential test would compare the model against nonsense.
 */
class HarnessSelfTest {
    private static final Entry ANY = Isa.table().entries().get(0);

    private static DiffCase hostCase(byte[] code, int[] regs, int eflags) {
        return new DiffCase(0, ANY, Oracle.HOST, code, code, regs, eflags, 12345, 0, null, null);
    }

    private static List<Protocol.Result> runHost(DiffCase... cases) throws Exception {
        Path dir = HarnessProcess.build(Path.of(System.getProperty("jvisor.root", ".")));
        return HarnessProcess.run(HarnessProcess.command(Oracle.HOST, dir), List.of(cases));
    }

    @Test
    void addSetsResultAndFlagsAsTheSdmSays() throws Exception {
        int buf = Oracle.HOST.bufferBase;
        // add eax, ebx with 0x7FFFFFFF + 1: result 0x80000000, OF SF AF PF? (0x00 low byte: PF=1) set, CF ZF clear.
        Protocol.Result r = runHost(hostCase(new byte[] {0x01, (byte) 0xD8},
                new int[] {0x7FFFFFFF, 0, 0, 1, buf + 0x1000, 0, 0, 0}, 0x202)).get(0);
        assertEquals(0, r.signal());
        assertEquals(Protocol.CODE_END, r.eip());
        assertEquals(0x80000000, r.regs()[0]);
        assertEquals(0x800 | 0x80 | 0x10 | 0x4, r.eflags() & 0x8D5);
    }

    @Test
    void storeIsReportedAsBufferDifference() throws Exception {
        int buf = Oracle.HOST.bufferBase;
        // 67 89 03: mov [ebx], eax with ebx = buffer + 0x10.
        DiffCase c = hostCase(new byte[] {0x67, (byte) 0x89, 0x03}, new int[] {0x11223344, 0, 0, buf + 0x10, buf + 0x1000, 0, 0, 0}, 0x202);
        Protocol.Result r = runHost(c).get(0);
        byte[] expected = Protocol.initialBuffer(c);
        expected[0x10] = 0x44;
        expected[0x11] = 0x33;
        expected[0x12] = 0x22;
        expected[0x13] = 0x11;
        assertArrayEquals(expected, r.finalBuffer(Protocol.initialBuffer(c)));
    }

    @Test
    void divideByZeroIsSigfpeAtTheInstruction() throws Exception {
        // div ecx with ecx = 0: #DE, delivered by Linux as SIGFPE, registers untouched.
        Protocol.Result r = runHost(hostCase(new byte[] {(byte) 0xF7, (byte) 0xF1},
                new int[] {7, 0, 0, 0, Oracle.HOST.bufferBase + 0x1000, 0, 0, 0}, 0x202)).get(0);
        assertEquals(Protocol.SIGFPE, r.signal());
        assertEquals(Protocol.CODE_END - 2, r.eip());
        assertEquals(7, r.regs()[0]);
    }

    @Test
    void qemuTwinRunsPushaAsThirtyTwoBitCode() throws Exception {
        // pusha (SDM PUSHA): EAX ECX EDX EBX, the original ESP, EBP ESI EDI, pushed in that order.
        int buf = Oracle.QEMU.bufferBase, esp = buf + 0x1000;
        int[] regs = {0x11, 0x22, 0x33, 0x44, esp, 0x66, 0x77, 0x88};
        DiffCase c = new DiffCase(0, ANY, Oracle.QEMU, new byte[] {0x60}, new byte[] {0x60}, regs, 0x202, 99, 0, null, null);
        Path dir = HarnessProcess.build(Path.of(System.getProperty("jvisor.root", ".")));
        Protocol.Result r = HarnessProcess.run(HarnessProcess.command(Oracle.QEMU, dir), List.of(c)).get(0);
        assertEquals(0, r.signal());
        assertEquals(esp - 32, r.regs()[4]);
        byte[] after = r.finalBuffer(Protocol.initialBuffer(c));
        int[] pushed = {0x88, 0x77, 0x66, esp, 0x44, 0x33, 0x22, 0x11}; // from the new top of stack upward
        for (int k = 0; k < 8; k++) {
            int at = esp - 32 - buf + 4 * k;
            int v = (after[at] & 0xFF) | (after[at + 1] & 0xFF) << 8 | (after[at + 2] & 0xFF) << 16 | (after[at + 3] & 0xFF) << 24;
            assertEquals(pushed[k], v, "stack slot " + k);
        }
    }

    @Test
    void takenBranchReportsItsTarget() throws Exception {
        // jz +0x20 with ZF set lands on an INT3 at CODE_END + 0x20.
        Protocol.Result r = runHost(hostCase(new byte[] {0x74, 0x20},
                new int[] {0, 0, 0, 0, Oracle.HOST.bufferBase + 0x1000, 0, 0, 0}, 0x242)).get(0);
        assertEquals(Protocol.SIGTRAP, r.signal());
        assertEquals(Protocol.CODE_END + 0x20, r.eip());
    }
}
