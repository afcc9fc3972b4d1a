package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Register behaviour checked against the PC16550D datasheet (Tables II and IV). */
class Uart16550Test {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private boolean irq;
    private final Uart16550 uart = new Uart16550(out::write, level -> irq = level);

    private int in(int reg) {
        return uart.read(reg, 1);
    }

    private void out(int reg, int v) {
        uart.write(reg, 1, v);
    }

    @Test
    void resetState() {
        assertEquals(0x60, in(5), "LSR after reset: THRE and TEMT");
        assertEquals(0x01, in(2), "IIR after reset: no interrupt pending");
        assertEquals(0, in(1), "IER");
        assertEquals(0, in(3), "LCR");
        assertEquals(0, in(4), "MCR");
    }

    @Test
    void transmitGoesToSinkAndThrStaysEmpty() {
        for (char c : "ok\n".toCharArray()) out(0, c);
        assertArrayEquals("ok\n".getBytes(), out.toByteArray());
        assertEquals(0x60, in(5) & 0x60);
    }

    @Test
    void divisorLatchSharesOffsetsZeroAndOne() {
        out(3, 0x83);           // DLAB=1, 8 data bits
        out(0, 0x0C);           // DLL: 9600 baud
        out(1, 0x00);           // DLM
        assertEquals(0x0C, in(0));
        assertEquals(0x00, in(1));
        assertEquals(12, uart.divisor());
        assertEquals(0, out.size(), "writing DLL transmits nothing");
        out(3, 0x03);           // DLAB=0
        out(1, 0xFF);
        assertEquals(0x0F, in(1), "IER keeps only bits 0-3");
        assertEquals(12, uart.divisor(), "IER writes leave the latch");
    }

    @Test
    void receivedBytesComeOutOfRbrInOrder() {
        uart.receive("ab".getBytes());
        assertEquals(0x61, in(5), "LSR: DR plus THRE/TEMT");
        assertEquals('a', in(0));
        assertEquals('b', in(0));
        assertEquals(0x60, in(5), "DR clears when the receiver is empty");
    }

    @Test
    void dataAvailableInterruptNeedsIerAndReachesTheLineOnlyThroughOut2() {
        out(1, Uart16550.IER_RDA);
        uart.receive('x');
        assertEquals(0x04, in(2));
        assertFalse(irq, "OUT2 clear: the PC's IRQ line stays low");
        out(4, Uart16550.MCR_OUT2);
        assertTrue(irq);
        in(0);
        assertEquals(0x01, in(2));
        assertFalse(irq);
    }

    @Test
    void thrEmptyInterruptIsClearedByReadingIirAndRaisedAgainByATransmit() {
        out(4, Uart16550.MCR_OUT2);
        out(1, Uart16550.IER_THRE);
        assertTrue(irq);
        assertEquals(0x02, in(2));
        assertEquals(0x01, in(2), "reading IIR cleared the THRE source");
        assertFalse(irq);
        out(0, 'z');
        assertEquals(0x02, in(2));
    }

    @Test
    void receiveDataOutranksThrEmpty() {
        out(1, Uart16550.IER_RDA | Uart16550.IER_THRE);
        uart.receive('q');
        assertEquals(0x04, in(2));
    }

    @Test
    void fifoControlShowsInIirAndTriggerLevelSelectsTheInterrupt() {
        out(2, 0xC7);                      // enable, clear both FIFOs, trigger level 14
        out(1, Uart16550.IER_RDA);
        uart.receive('1');
        assertEquals(0xCC, in(2), "below the trigger level: character timeout");
        uart.receive(new byte[13]);
        assertEquals(0xC4, in(2), "at 14 bytes: received data available");
        out(2, 0xC3);                      // clear the receiver FIFO
        assertEquals(0x60, in(5) & 0x61);
        assertEquals(0xC1, in(2));
        out(2, 0);
        assertEquals(0x01, in(2), "FIFOs disabled: IIR bits 6-7 clear");
    }

    @Test
    void loopbackFeedsTheReceiverAndMirrorsModemControl() {
        out(4, Uart16550.MCR_LOOP);
        out(0, 'L');
        assertEquals(0, out.size(), "loopback sends nothing out");
        assertEquals('L', in(0));
        out(4, Uart16550.MCR_LOOP | 0x0F);  // DTR RTS OUT1 OUT2
        assertEquals(0xF0, in(6) & 0xF0, "CTS DSR RI DCD follow RTS DTR OUT1 OUT2");
        out(4, Uart16550.MCR_LOOP | Uart16550.MCR_RTS);
        int msr = in(6);
        assertEquals(0x10, msr & 0xF0);
        assertEquals(0x02 | 0x04 | 0x08, msr & 0x0E, "deltas: DSR, RI trailing edge, DCD");
        assertEquals(0, in(6) & 0x0F, "reading MSR clears the deltas");
    }

    @Test
    void scratchRegisterHoldsAnyByte() {
        out(7, 0xA5);
        assertEquals(0xA5, in(7));
    }

    @Test
    void mcrKeepsFiveBits() {
        out(4, 0xFF);
        assertEquals(0x1F, in(4));
    }
}
