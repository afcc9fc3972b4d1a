package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** Controller commands and status bits, checked against the IBM PS/2 8042 reference values. */
class I8042Test {
    private final List<Boolean> a20Calls = new ArrayList<>();
    private int resets;
    private boolean irq1, irq12;
    private int irq1Edges;
    private final I8042 kbc = new I8042(level -> {
        if (level && !irq1) irq1Edges++;
        irq1 = level;
    }, level -> irq12 = level, () -> resets++, a20Calls::add);
    private final PortBus bus = new PortBus();

    I8042Test() {
        kbc.attach(bus);
        a20Calls.clear();
    }

    private int status() {
        return bus.read(0x64, 1);
    }

    private int data() {
        return bus.read(0x60, 1);
    }

    private void command(int c) {
        bus.write(0x64, 1, c);
    }

    private void writeData(int d) {
        bus.write(0x60, 1, d);
    }

    /** Issues a controller command and reads its one-byte reply, as Linux's i8042_command does. */
    private int commandReply(int c) {
        command(c);
        assertTrue((status() & 0x01) != 0, "OBF after command " + Integer.toHexString(c));
        return data();
    }

    @Test
    void selfTestAnswers55AndSetsSystemFlag() {
        assertEquals(0x55, commandReply(0xAA));
        assertEquals(0x04, status() & 0x04, "SYS");
        assertEquals(0, status() & 0x01, "OBF clear after the read");
    }

    @Test
    void interfaceTestsAnswerZero() {
        assertEquals(0x00, commandReply(0xAB));
        assertEquals(0x00, commandReply(0xA9));
    }

    @Test
    void statusAfterResetHasKeyLockOffAndSystemFlag() {
        int s = status();
        assertEquals(0, s & 0x03, "OBF and IBF clear");
        assertEquals(0x14, s & 0x14, "INH (not inhibited) and SYS");
    }

    @Test
    void commandDataBitFollowsTheLastPortWritten() {
        command(0xAE);
        assertEquals(0x08, status() & 0x08, "A2 = 1 after a write to 0x64");
        writeData(0xF4); // to the keyboard
        assertEquals(0, status() & 0x08, "A2 = 0 after a write to 0x60");
        assertEquals(0, status() & 0x02, "IBF: the controller consumed the byte at once");
    }

    @Test
    void commandByteWriteAndRead() {
        command(0x60);
        writeData(0x47);
        assertEquals(0x47, commandReply(0x20));
        command(0x60);
        writeData(0x00);
        assertEquals(0x00, commandReply(0x20));
        assertEquals(0, status() & 0x04, "command byte bit 2 clear clears SYS");
    }

    @Test
    void bootCommandByte() {
        // Interrupt for the keyboard, system flag, aux disabled, translation (what a BIOS leaves).
        assertEquals(0x65, commandReply(0x20));
    }

    @Test
    void internalRamBeyondTheCommandByte() {
        command(0x65);
        writeData(0x5A);
        assertEquals(0x5A, commandReply(0x25));
        assertEquals(0x65, commandReply(0x20), "byte 0 untouched");
    }

    @Test
    void enableDisableCommandsChangeTheCommandByte() {
        command(0xA8);
        assertEquals(0, commandReply(0x20) & 0x20, "aux enabled");
        command(0xA7);
        assertEquals(0x20, commandReply(0x20) & 0x20, "aux disabled");
        command(0xAD);
        assertEquals(0x10, commandReply(0x20) & 0x10, "keyboard disabled");
        command(0xAE);
        assertEquals(0, commandReply(0x20) & 0x10, "keyboard enabled");
    }

    @Test
    void outputPortWriteDrivesA20AndReset() {
        command(0xD1);
        writeData(0xDD); // A20 off, reset line high (inactive)
        assertEquals(List.of(false), a20Calls);
        assertEquals(0, resets);
        command(0xD1);
        writeData(0xDF); // the classic "enable A20" value
        assertEquals(List.of(false, true), a20Calls);
        assertEquals(0, resets);
        command(0xD1);
        writeData(0xDE); // bit 0 low: reset asserted
        assertEquals(1, resets);
    }

    @Test
    void outputPortReadsBackWithObfBitsFromTheLines() {
        command(0xD1);
        writeData(0xCF);
        assertEquals(0xCF, commandReply(0xD0), "buffer empty when the port is sampled: bits 4-5 low");
        kbc.injectScancodes(0x1C); // keyboard byte in the buffer, IRQ1 enabled by 0x65
        command(0xD0);
        assertEquals(0x1E, data());
        assertEquals(0xDF, data(), "sampled while the keyboard byte raised IRQ1: bit 4 high");
    }

    @Test
    void pulseCommandsResetOnlyWhenBit0IsPulsed() {
        command(0xFF);
        command(0xFD);
        assertEquals(0, resets);
        command(0xFE);
        assertEquals(1, resets);
        command(0xF0);
        assertEquals(2, resets);
    }

    @Test
    void inputPortReportsKeyboardNotInhibited() {
        assertEquals(0x80, commandReply(0xC0) & 0x80);
    }

    @Test
    void irq1OnlyWhenEnabledInTheCommandByte() {
        command(0x60);
        writeData(0x64); // translation, sys, aux off; keyboard interrupt off
        kbc.injectScancodes(0x1C);
        assertTrue((status() & 0x01) != 0);
        assertFalse(irq1);
        data();
        command(0x60);
        writeData(0x65);
        kbc.injectScancodes(0x1C);
        assertTrue(irq1);
        data();
        assertFalse(irq1, "reading the output buffer drops IRQ1");
    }

    @Test
    void enablingTheInterruptWithDataPendingRaisesIrq1() {
        command(0x60);
        writeData(0x64);
        kbc.injectScancodes(0x1C);
        assertFalse(irq1);
        command(0x60);
        writeData(0x65);
        // The reply-free write leaves the scan code in the buffer, now with its interrupt.
        assertTrue(irq1);
    }

    @Test
    void eachQueuedByteGivesItsOwnIrq1Edge() {
        kbc.injectScancodes(0x1C, 0xF0, 0x1C); // 'A' make and break
        assertEquals(1, irq1Edges);
        assertEquals(0x1E, data());
        assertEquals(2, irq1Edges);
        assertEquals(0x9E, data()); // F0 1C translates to the set 1 break code
        assertFalse(irq1);
        assertEquals(0, status() & 0x01);
    }

    @Test
    void writeKeyboardOutputBufferIsNotTranslated() {
        command(0xD2);
        writeData(0x1C);
        assertTrue(irq1);
        assertEquals(0, status() & 0x20, "keyboard data, not AUXB");
        assertEquals(0x1C, data());
    }

    @Test
    void auxLoopbackSetsAuxbAndIrq12WhenEnabled() {
        command(0x60);
        writeData(0x47); // both interrupts, sys, translation, aux enabled
        command(0xD3);
        writeData(0x5A);
        assertEquals(0x21, status() & 0x21, "OBF and AUXB");
        assertTrue(irq12);
        assertFalse(irq1);
        assertEquals(0x5A, data());
        assertFalse(irq12);
    }

    @Test
    void writeToAbsentAuxDeviceTimesOut() {
        command(0xD4);
        writeData(0xFF);
        assertEquals(0x61, status() & 0x61, "OBF, AUXB and timeout");
        assertEquals(0xFE, data());
        assertEquals(0, status() & 0x60, "error bits go with the byte");
        assertEquals(0, commandReply(0x20) & 0x20, "writing to aux enables its interface");
    }

    @Test
    void disabledKeyboardInterfaceHoldsScanCodes() {
        command(0xAD);
        kbc.injectScancodes(0x1C);
        assertEquals(0, status() & 0x01);
        command(0xAE);
        assertEquals(0x01, status() & 0x01);
        assertEquals(0x1E, data());
    }

    @Test
    void wordReadOfTheDataPortSeesOpenBusAbove() {
        assertEquals(0xFF00, bus.read(0x64, 2) & 0xFF00);
    }
}
