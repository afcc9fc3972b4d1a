package org.jvisor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import org.jvisor.machine.Pc;
import org.junit.jupiter.api.Test;

/** The console's QEMU-style escapes: Ctrl-A X quits, Ctrl-A Ctrl-A sends a literal Ctrl-A. */
class SerialConsoleTest {
    /** A guest that spins forever: jmp $ at 0x1000 in flat protected mode. */
    private static Pc spinningGuest() {
        Pc pc = new Pc(1 << 20, null);
        pc.mem.write8(0x1000, 0xEB);
        pc.mem.write8(0x1001, 0xFE);
        pc.cpu.enterFlatProtectedMode();
        pc.cpu.eip = 0x1000;
        return pc;
    }

    @Test
    void ctrlAXStopsTheMachine() {
        Pc pc = spinningGuest();
        new SerialConsole(pc, new ByteArrayInputStream(new byte[] {'a', 1, 'x'})).start();
        Pc.Result r = pc.run(50_000_000_000L);
        assertEquals(Pc.Reason.STOPPED, r.reason());
        assertTrue(r.instructions() < 50_000_000_000L);
    }

    @Test
    void doubledCtrlAReachesTheGuestAndOtherBytesPassThrough() throws Exception {
        Pc pc = spinningGuest();
        // Bytes reach COM1's receive queue: 'a', then one Ctrl-A; the final Ctrl-A X quits.
        new SerialConsole(pc, new ByteArrayInputStream(new byte[] {'a', 1, 1, 'b', 1, 'x'})).start();
        Pc.Result r = pc.run(50_000_000_000L);
        assertEquals(Pc.Reason.STOPPED, r.reason());
        int[] received = new int[3];
        for (int k = 0; k < 3; k++) received[k] = pc.com1.read(0, 1); // RBR, DLAB=0
        assertEquals('a', received[0]);
        assertEquals(1, received[1]);
        assertEquals('b', received[2]);
    }
}
