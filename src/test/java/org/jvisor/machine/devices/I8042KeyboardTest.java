package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/**
 * Keyboard commands through the 8042 (IBM PS/2 Keyboard Technical Reference) and the set 2 to
 * set 1 translation, with scan codes from the published set 1 and set 2 tables.
 */
class I8042KeyboardTest {
    private final I8042 kbc = new I8042(IrqLine.NONE, IrqLine.NONE, () -> { }, A20Line.NONE);

    private void untranslated() {
        kbc.writeCommand(0x60);
        kbc.writeData(0x25); // interrupts off so nothing else matters, aux disabled, no translation
    }

    /** Everything in the output path, byte by byte. */
    private int[] drain() {
        int[] buf = new int[64];
        int n = 0;
        while ((kbc.status() & I8042.STATUS_OBF) != 0) buf[n++] = kbc.readData();
        return java.util.Arrays.copyOf(buf, n);
    }

    @Test
    void resetAcksThenPassesBat() {
        kbc.writeData(0xFF);
        assertArrayEquals(new int[] {0xFA, 0xAA}, drain());
    }

    @Test
    void identifyUntranslatedIsAb83() {
        untranslated();
        kbc.writeData(0xF2);
        assertArrayEquals(new int[] {0xFA, 0xAB, 0x83}, drain());
    }

    @Test
    void identifyThroughTranslationIsAb41() {
        kbc.writeData(0xF2); // translation on at boot: 0x83 becomes 0x41, as Linux's atkbd expects
        assertArrayEquals(new int[] {0xFA, 0xAB, 0x41}, drain());
    }

    @Test
    void echoHasNoAck() {
        kbc.writeData(0xEE);
        assertArrayEquals(new int[] {0xEE}, drain());
    }

    @Test
    void ledsTakeAParameter() {
        kbc.writeData(0xED);
        assertArrayEquals(new int[] {0xFA}, drain());
        kbc.writeData(0x07);
        assertArrayEquals(new int[] {0xFA}, drain());
        assertEquals(7, kbc.keyboard().leds());
    }

    @Test
    void typematicTakesAParameter() {
        kbc.writeData(0xF3);
        kbc.writeData(0x00);
        assertArrayEquals(new int[] {0xFA, 0xFA}, drain());
        assertEquals(0, kbc.keyboard().typematic());
    }

    @Test
    void scanCodeSetSelectAndQuery() {
        untranslated();
        kbc.writeData(0xF0);
        kbc.writeData(0x00);
        assertArrayEquals(new int[] {0xFA, 0xFA, 0x02}, drain(), "set 2 by default");
        kbc.writeData(0xF0);
        kbc.writeData(0x03);
        kbc.writeData(0xF0);
        kbc.writeData(0x00);
        assertArrayEquals(new int[] {0xFA, 0xFA, 0xFA, 0xFA, 0x03}, drain());
    }

    @Test
    void resendRepeatsTheLastByteSent() {
        untranslated();
        kbc.writeData(0xF2);
        drain();
        kbc.writeData(0xFE);
        assertArrayEquals(new int[] {0x83}, drain());
    }

    @Test
    void unknownCommandAsksForResend() {
        kbc.writeData(0x12);
        assertArrayEquals(new int[] {0xFE}, drain());
    }

    @Test
    void disableStopsScanningEnableRestarts() {
        kbc.writeData(0xF5);
        assertArrayEquals(new int[] {0xFA}, drain());
        kbc.injectScancodes(0x1C);
        assertArrayEquals(new int[0], drain(), "no scanning while disabled");
        kbc.writeData(0xF4);
        kbc.injectScancodes(0x1C);
        assertArrayEquals(new int[] {0xFA, 0x1E}, drain());
    }

    @Test
    void writingToTheKeyboardReenablesItsInterface() {
        kbc.writeCommand(0xAD);
        kbc.writeData(0xF2);
        assertEquals(0, kbc.commandByte() & I8042.CMD_KBD_DISABLE);
        assertEquals(3, drain().length);
    }

    @Test
    void untranslatedScanCodesPassThrough() {
        untranslated();
        kbc.injectScancodes(0xE0, 0x75, 0xE0, 0xF0, 0x75); // set 2 cursor up, make and break
        assertArrayEquals(new int[] {0xE0, 0x75, 0xE0, 0xF0, 0x75}, drain());
    }

    @Test
    void translationFollowsTheSet1Table() {
        // Set 2 -> set 1 pairs from the scan code tables: Esc, 1, A, Enter, Space, LShift, F1, F7, F12.
        int[] set2 = {0x76, 0x16, 0x1C, 0x5A, 0x29, 0x12, 0x05, 0x83, 0x07};
        int[] set1 = {0x01, 0x02, 0x1E, 0x1C, 0x39, 0x2A, 0x3B, 0x41, 0x58};
        kbc.injectScancodes(set2);
        assertArrayEquals(set1, drain());
    }

    @Test
    void translationKeepsExtendedPrefixAndFoldsBreaks() {
        kbc.injectScancodes(0xE0, 0x75, 0xE0, 0xF0, 0x75); // cursor up: set 1 is E0 48 / E0 C8
        assertArrayEquals(new int[] {0xE0, 0x48, 0xE0, 0xC8}, drain());
    }

    @Test
    void noDataMeansNoObf() {
        assertFalse((kbc.status() & I8042.STATUS_OBF) != 0);
    }
}
