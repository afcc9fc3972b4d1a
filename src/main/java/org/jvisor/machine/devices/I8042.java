package org.jvisor.machine.devices;

import org.jvisor.machine.memory.PortBus;
import org.jvisor.machine.memory.PortDevice;

/**
 * The Intel 8042 keyboard controller as the PC/AT and PS/2 use it: data port 0x60, status and
 * command port 0x64, a {@link Ps2Keyboard} on its keyboard port and nothing on its auxiliary
 * port. Register and command meanings follow the IBM PS/2 "Keyboard and Auxiliary Device
 * Controller" reference (and Linux's i8042 driver, which relies on them).
 *
 * <p>The controller works instantly, so the input buffer is never seen full (IBF stays 0).
 * Output comes from the controller's own replies first, then from the keyboard, one byte at
 * a time through the output buffer; reading port 0x60 empties it and the next byte moves in.
 * IRQ 1 is asserted while the buffer holds keyboard-side data and command byte bit 0 is set,
 * IRQ 12 likewise for auxiliary data and bit 1.
 *
 * <p>With no mouse, a byte sent to the auxiliary device (command 0xD4) times out: the
 * controller answers 0xFE with the status timeout and AUXB bits set, so a driver's probe
 * fails at once instead of waiting. The auxiliary interface test (0xA9) and loopback (0xD3)
 * are the controller's own and work.
 *
 * <p>jvisor has no BIOS, so {@link #reset()} leaves the controller as a PC BIOS's POST does:
 * self-test passed (system flag set), command byte 0x65 (keyboard interrupt, system flag,
 * auxiliary port disabled, translation on), output port 0xCF (A20 enabled, reset inactive).
 */
public final class I8042 {
    public static final int DATA_PORT = 0x60, COMMAND_PORT = 0x64;

    // Status register (port 0x64 read).
    public static final int STATUS_OBF = 0x01, STATUS_IBF = 0x02, STATUS_SYS = 0x04, STATUS_A2 = 0x08;
    public static final int STATUS_INH = 0x10, STATUS_AUXB = 0x20, STATUS_TIMEOUT = 0x40, STATUS_PARITY = 0x80;
    // Command byte (controller RAM byte 0).
    public static final int CMD_KBD_INT = 0x01, CMD_AUX_INT = 0x02, CMD_SYS = 0x04, CMD_OVERRIDE = 0x08;
    public static final int CMD_KBD_DISABLE = 0x10, CMD_AUX_DISABLE = 0x20, CMD_TRANSLATE = 0x40;
    // Output port (commands 0xD0/0xD1).
    public static final int OUT_RESET = 0x01, OUT_A20 = 0x02, OUT_IRQ1 = 0x10, OUT_IRQ12 = 0x20;

    public static final int BOOT_COMMAND_BYTE = CMD_KBD_INT | CMD_SYS | CMD_AUX_DISABLE | CMD_TRANSLATE;
    public static final int BOOT_OUTPUT_PORT = 0xCF;
    /** Input port (0xC0): bit 7 = keyboard not inhibited by the key lock, the rest 0. */
    public static final int INPUT_PORT = 0x80;

    private final Ps2Keyboard keyboard = new Ps2Keyboard();
    private final IrqLine irq1, irq12;
    private final Runnable resetLine;
    private final A20Line a20;
    private final I8042OutputBuffer out = new I8042OutputBuffer();
    private final int[] ram = new int[32]; // ram[0] is the command byte
    private int outputPort;
    private int pendingCommand; // a controller command waiting for its data byte on 0x60, else 0
    private boolean systemFlag, lastWriteWasCommand;

    /**
     * @param reset called when the guest pulses the reset line (0xFE, or output port bit 0 cleared)
     * @param a20   told the A20 state this controller drives, on reset and whenever it changes
     */
    public I8042(IrqLine irq1, IrqLine irq12, Runnable reset, A20Line a20) {
        this.irq1 = irq1;
        this.irq12 = irq12;
        this.resetLine = reset;
        this.a20 = a20;
        reset();
    }

    /** The state a BIOS leaves (see the class comment); drives the A20 callback. */
    public void reset() {
        java.util.Arrays.fill(ram, 0);
        ram[0] = BOOT_COMMAND_BYTE;
        outputPort = BOOT_OUTPUT_PORT;
        pendingCommand = 0;
        systemFlag = true;
        lastWriteWasCommand = false;
        out.clear();
        a20.set(true);
        update();
    }

    /** Registers the data and command ports on a bus (they are not contiguous: 0x61 is not ours). */
    public void attach(PortBus bus) {
        bus.register(DATA_PORT, 1, dataPort());
        bus.register(COMMAND_PORT, 1, commandPort());
    }

    public PortDevice dataPort() {
        return new PortDevice() {
            @Override
            public int read(int offset, int size) {
                return widen(readData(), size);
            }

            @Override
            public void write(int offset, int size, int value) {
                writeData(value & 0xFF);
            }
        };
    }

    public PortDevice commandPort() {
        return new PortDevice() {
            @Override
            public int read(int offset, int size) {
                return widen(status(), size);
            }

            @Override
            public void write(int offset, int size, int value) {
                writeCommand(value & 0xFF);
            }
        };
    }

    /** The keyboard on the keyboard port, e.g. to inject scan codes from a console. */
    public Ps2Keyboard keyboard() {
        return keyboard;
    }

    /** Queues set 2 scan codes from the keyboard and moves the first one to the output buffer. */
    public void injectScancodes(int... codes) {
        keyboard.injectScancodes(codes);
        update();
    }

    public int commandByte() {
        return ram[0];
    }

    public int status() {
        int s = STATUS_INH | (systemFlag ? STATUS_SYS : 0) | (lastWriteWasCommand ? STATUS_A2 : 0);
        return out.full() ? s | STATUS_OBF | out.flags() : s;
    }

    /** Port 0x60 read: the output buffer (stale if empty, as the latch keeps its last byte). */
    public int readData() {
        int b = out.data();
        if (out.full()) {
            out.empty();
            driveIrqs(); // lower the line first so the next byte makes a fresh edge
            update();
        }
        return b;
    }

    /** Port 0x60 write: the data byte of a pending controller command, else a byte for the keyboard. */
    public void writeData(int b) {
        lastWriteWasCommand = false;
        int cmd = pendingCommand;
        pendingCommand = 0;
        if (cmd == 0) {
            ram[0] &= ~CMD_KBD_DISABLE; // sending to the keyboard enables its interface
            keyboard.receive(b);
        } else {
            commandData(cmd, b);
        }
        update();
    }

    /** Port 0x64 write: a controller command (a new command cancels one still waiting for data). */
    public void writeCommand(int cmd) {
        lastWriteWasCommand = true;
        pendingCommand = 0;
        I8042Commands.execute(this, cmd);
        update();
    }

    // ---- used by I8042Commands ----

    void expectData(int cmd) {
        pendingCommand = cmd;
    }

    void reply(int b) {
        out.queue(b, 0);
    }

    void replyAux(int b, int flags) {
        out.queue(b, STATUS_AUXB | flags);
    }

    int ram(int index) {
        return ram[index & 0x1F];
    }

    void setRam(int index, int value) {
        ram[index & 0x1F] = value & 0xFF;
        if ((index & 0x1F) == 0) systemFlag = (value & CMD_SYS) != 0; // the flag follows command byte bit 2
    }

    void setCommandBits(int set, int clear) {
        ram[0] = (ram[0] | set) & ~clear;
    }

    void selfTestPassed() {
        systemFlag = true;
    }

    /** Output port as read by 0xD0: bits 4 and 5 show the interrupt lines. */
    int outputPort() {
        return (outputPort & ~(OUT_IRQ1 | OUT_IRQ12)) | (irq1Wanted() ? OUT_IRQ1 : 0) | (irq12Wanted() ? OUT_IRQ12 : 0);
    }

    /** 0xD1: bit 1 drives A20; bit 0 is the reset line, active low. */
    void writeOutputPort(int v) {
        int old = outputPort;
        outputPort = v & 0xFF;
        if (((old ^ outputPort) & OUT_A20) != 0) a20.set((outputPort & OUT_A20) != 0);
        if ((outputPort & OUT_RESET) == 0) resetLine.run();
    }

    /** 0xF0-0xFF: each clear bit of the low nibble pulses that output port line low; bit 0 is reset. */
    void pulseOutputLines(int mask) {
        if ((mask & OUT_RESET) == 0) resetLine.run();
    }

    // ---- output buffer and interrupts ----

    private void commandData(int cmd, int b) {
        I8042Commands.data(this, cmd, b);
    }

    /** Moves the next byte into an empty output buffer, then drives the IRQ lines. */
    private void update() {
        if (!out.full()) out.fill(keyboard, (ram[0] & CMD_KBD_DISABLE) == 0, (ram[0] & CMD_TRANSLATE) != 0);
        driveIrqs();
    }

    private boolean irq1Asserted, irq12Asserted;

    private void driveIrqs() {
        boolean i1 = irq1Wanted(), i12 = irq12Wanted();
        if (i1 != irq1Asserted) irq1.set(irq1Asserted = i1);
        if (i12 != irq12Asserted) irq12.set(irq12Asserted = i12);
    }

    private boolean irq1Wanted() {
        return out.full() && (out.flags() & STATUS_AUXB) == 0 && (ram[0] & CMD_KBD_INT) != 0;
    }

    private boolean irq12Wanted() {
        return out.full() && (out.flags() & STATUS_AUXB) != 0 && (ram[0] & CMD_AUX_INT) != 0;
    }

    private static int widen(int b, int size) {
        return size == 1 ? b : b | (size == 2 ? 0xFF00 : 0xFFFFFF00); // one port wide: the rest is open bus
    }
}
