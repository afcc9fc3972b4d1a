package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Port 0x92 (PS/2 System Control Port A) and the A20 gate it shares with the 8042. */
class I8042SystemControlPortATest {
    private final List<Boolean> memoryA20 = new ArrayList<>();
    private int resets;
    private final A20Gate gate = new A20Gate(memoryA20::add);
    private final I8042 kbc = new I8042(IrqLine.NONE, IrqLine.NONE, () -> resets++, gate.keyboardControllerInput());
    private final SystemControlPortA portA = new SystemControlPortA(() -> resets++, gate.portAInput());

    @Test
    void readsBackAndDrivesA20() {
        portA.write(0, 1, 0x02);
        assertEquals(0x02, portA.read(0, 1));
        assertEquals(0, resets);
    }

    @Test
    void resetOnRisingEdgeOfBit0Only() {
        portA.write(0, 1, 0x01);
        assertEquals(1, resets);
        portA.write(0, 1, 0x03);
        assertEquals(1, resets, "bit 0 already set: no new reset");
        portA.write(0, 1, 0x02);
        portA.write(0, 1, 0x03);
        assertEquals(2, resets);
    }

    @Test
    void a20IsTheOrOfBothSources() {
        assertEquals(List.of(true), memoryA20, "the 8042 enables A20 at boot");
        portA.write(0, 1, 0x02);
        kbc.writeCommand(0xD1);
        kbc.writeData(0xDD); // 8042 drops A20, port A still holds it
        assertTrue(gate.enabled());
        portA.write(0, 1, 0x00);
        assertFalse(gate.enabled());
        assertEquals(List.of(true, false), memoryA20);
        kbc.writeCommand(0xD1);
        kbc.writeData(0xDF);
        assertEquals(List.of(true, false, true), memoryA20);
    }
}
