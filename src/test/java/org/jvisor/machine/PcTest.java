package org.jvisor.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.jvisor.boot.ElfBuilder;
import org.jvisor.machine.cpu.Reg;
import org.junit.jupiter.api.Test;

class PcTest {
    private final ByteArrayOutputStream echo = new ByteArrayOutputStream();
    private final Pc pc = new Pc(4 << 20, echo::write);

    private void boot(int... code) {
        byte[] b = new byte[code.length];
        for (int n = 0; n < code.length; n++) b[n] = (byte) code[n];
        pc.bootMultiboot(new ElfBuilder().segment(0x100000, b, b.length).build(), "", List.of());
    }

    @Test
    void hltWithInterruptsOffEndsTheRun() {
        boot(0xB8, 42, 0, 0, 0, 0xF4); // mov eax,42 ; hlt
        Pc.Result r = pc.run(1000);
        assertEquals(Pc.Reason.HALTED, r.reason());
        assertEquals(2, r.instructions());
        assertEquals(42, pc.cpu.r[Reg.EAX]);
        assertEquals(-1, r.qemuStatus());
    }

    @Test
    void kernelStartsWithTheMultibootRegisters() {
        boot(0xF4);
        pc.run(10);
        assertEquals(0x2BADB002, pc.cpu.r[Reg.EAX]);
        assertEquals(0x9000, pc.cpu.r[Reg.EBX]);
    }

    @Test
    void budgetBoundsAnEndlessLoop() {
        boot(0xEB, 0xFE); // jmp $
        Pc.Result r = pc.run(5000);
        assertEquals(Pc.Reason.BUDGET, r.reason());
        assertTrue(r.instructions() >= 5000 && r.instructions() < 6000, "retired " + r.instructions());
    }

    @Test
    void debugExitPortStopsWithItsValue() {
        boot(0xEB, 0xFE);
        pc.ports.write(Pc.DEBUG_EXIT_PORT, 1, 1);
        Pc.Result r = pc.run(1_000_000);
        assertEquals(Pc.Reason.DEBUG_EXIT, r.reason());
        assertEquals(1, r.exitValue());
        assertEquals(3, r.qemuStatus());
    }

    @Test
    void guestWritesCom1AndLeavesThroughTheDebugExitPort() {
        boot(0x66, 0xBA, 0xF8, 0x03,   // mov dx, 0x3F8
            0xB0, 'K', 0xEE,           // mov al, 'K' ; out dx, al
            0xB0, '\n', 0xEE,          // mov al, '\n' ; out dx, al
            0x66, 0xBA, 0xF4, 0x00,    // mov dx, 0xF4
            0xB0, 0x02, 0xEE,          // mov al, 2 ; out dx, al
            0xF4);                     // hlt (never reached)
        Pc.Result r = pc.run(1000);
        assertEquals(Pc.Reason.DEBUG_EXIT, r.reason());
        assertEquals(2, r.exitValue());
        assertEquals(5, r.qemuStatus(), "qemu would exit with 2*2+1");
        assertEquals("K\n", pc.serialOutput());
        assertEquals(8, r.instructions(), "the OUT to 0xF4 (the eighth instruction) is the last one retired");
    }

    @Test
    void com1TransmitsToTheCaptureAndTheEcho() {
        for (char c : "hi\n".toCharArray()) pc.ports.write(Pc.COM1, 1, c);
        assertEquals("hi\n", pc.serialOutput());
        assertEquals("hi\n", echo.toString());
        assertEquals(0x60, pc.ports.read(Pc.COM1 + 5, 1) & 0x60, "LSR: transmitter empty");
    }

    @Test
    void unhandledExceptionWithoutAnIdtShutsDown() {
        boot(0x0F, 0x0B); // ud2 with the IDT pointing at zeroed memory
        assertEquals(Pc.Reason.SHUTDOWN, pc.run(1000).reason());
    }
}
