package org.jvisor.machine.devices;

/**
 * A PS/2 (MF II) keyboard on the 8042's keyboard port: it answers the host commands of the
 * IBM PS/2 Keyboard Technical Reference and sends scan codes the host injects. Bytes wait in
 * the keyboard's own buffer until the controller takes them ({@link I8042} clocks one byte at
 * a time into its output buffer). Injected scan codes are sent as given: the console feeds
 * set 2 codes, which the 8042 translates to set 1 when its command byte asks it to.
 */
public final class Ps2Keyboard {
    public static final int ACK = 0xFA, RESEND = 0xFE, BAT_OK = 0xAA, ECHO = 0xEE;
    /** The MF II keyboard's identification bytes after the ACK of 0xF2. */
    public static final int ID_1 = 0xAB, ID_2 = 0x83;
    /** Set 2 "key detection error / overrun" code, sent in place of what overflowed. */
    public static final int OVERRUN = 0x00;

    private static final int BUFFER = 256; // host side: larger than a real keyboard's 16 bytes
    private final int[] queue = new int[BUFFER];
    private int head, count;
    private int pendingCommand; // 0xED, 0xF0 or 0xF3 waiting for its parameter byte, else 0
    private int lastSent;
    private boolean scanning;
    private int scanSet, leds, typematic;

    public Ps2Keyboard() {
        powerOn();
    }

    /** Power-on defaults (set 2, scanning, typematic 10.9 cps / 500 ms = 0x2B, LEDs off). */
    private void powerOn() {
        setDefaults();
        count = 0;
        pendingCommand = 0;
    }

    private void setDefaults() {
        scanning = true;
        scanSet = 2;
        typematic = 0x2B;
        leds = 0;
    }

    /**
     * Queues scan code bytes as if keys were struck; dropped while scanning is disabled.
     * Package-private: hosts go through {@link I8042#injectScancodes} so the controller moves
     * the first byte into its output buffer and raises IRQ 1 at once.
     */
    void injectScancodes(int... codes) {
        if (!scanning) return;
        for (int code : codes) send(code & 0xFF);
    }

    boolean hasData() {
        return count > 0;
    }

    /** Takes the next byte for the controller; only called when {@link #hasData()}. */
    int take() {
        int b = queue[head];
        head = (head + 1) % BUFFER;
        count--;
        lastSent = b;
        return b;
    }

    public int scanSet() {
        return scanSet;
    }

    public int leds() {
        return leds;
    }

    public int typematic() {
        return typematic;
    }

    public boolean scanning() {
        return scanning;
    }

    /** A byte the host wrote to the keyboard (through port 0x60). */
    void receive(int b) {
        if (pendingCommand != 0) {
            parameter(b);
        } else {
            command(b);
        }
    }

    // IBM PS/2 Keyboard Technical Reference, "Commands from the System".
    private void command(int cmd) {
        switch (cmd) {
            case 0xED, 0xF3 -> { pendingCommand = cmd; send(ACK); }
            case 0xF0 -> { pendingCommand = cmd; send(ACK); }
            case 0xEE -> send(ECHO); // echo is answered without an ACK
            case 0xF2 -> { send(ACK); send(ID_1); send(ID_2); }
            case 0xF4 -> { count = 0; scanning = true; send(ACK); } // enable clears the buffer
            case 0xF5 -> { count = 0; setDefaults(); scanning = false; send(ACK); }
            case 0xF6 -> { count = 0; setDefaults(); send(ACK); }
            case 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD -> send(ACK); // set 3 key types: accepted
            case 0xFE -> send(lastSent);
            case 0xFF -> { powerOn(); send(ACK); send(BAT_OK); }
            default -> send(RESEND); // not a command: the keyboard asks for a resend
        }
    }

    private void parameter(int b) {
        int cmd = pendingCommand;
        pendingCommand = 0;
        switch (cmd) {
            case 0xED -> { leds = b & 7; send(ACK); }
            case 0xF3 -> { typematic = b & 0x7F; send(ACK); }
            default -> selectScanSet(b);
        }
    }

    /** 0xF0 parameter: 0 reports the current set after the ACK, 1-3 select one. */
    private void selectScanSet(int b) {
        if (b == 0) {
            send(ACK);
            send(scanSet);
        } else if (b <= 3) {
            scanSet = b;
            send(ACK);
        } else {
            send(RESEND);
        }
    }

    private void send(int b) {
        if (count == BUFFER) {
            queue[(head + BUFFER - 1) % BUFFER] = OVERRUN; // the last slot reports the overrun
            return;
        }
        queue[(head + count++) % BUFFER] = b;
    }
}
