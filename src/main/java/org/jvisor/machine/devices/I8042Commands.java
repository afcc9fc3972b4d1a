package org.jvisor.machine.devices;

/**
 * The 8042 controller commands written to port 0x64 and the data bytes some of them take
 * from port 0x60 (IBM PS/2 Keyboard and Auxiliary Device Controller, "Commands (I/O Address
 * Hex 64)"). Commands this controller does not know are ignored, as on the real part.
 */
final class I8042Commands {
    private I8042Commands() {
    }

    static void execute(I8042 c, int cmd) {
        if (cmd >= 0x20 && cmd <= 0x3F) {
            c.reply(c.ram(cmd)); // 0x20 reads the command byte, 0x21-0x3F the rest of the RAM
        } else if (cmd >= 0x60 && cmd <= 0x7F) {
            c.expectData(cmd); // 0x60 writes the command byte, 0x61-0x7F the rest of the RAM
        } else if (cmd >= 0xF0) {
            c.pulseOutputLines(cmd & 0x0F);
        } else {
            fixed(c, cmd);
        }
    }

    private static void fixed(I8042 c, int cmd) {
        switch (cmd) {
            case 0xA7 -> c.setCommandBits(I8042.CMD_AUX_DISABLE, 0);
            case 0xA8 -> c.setCommandBits(0, I8042.CMD_AUX_DISABLE);
            case 0xA9 -> c.reply(0x00); // auxiliary interface test: lines not stuck
            case 0xAA -> { c.selfTestPassed(); c.reply(0x55); }
            case 0xAB -> c.reply(0x00); // keyboard interface test: no error
            case 0xAD -> c.setCommandBits(I8042.CMD_KBD_DISABLE, 0);
            case 0xAE -> c.setCommandBits(0, I8042.CMD_KBD_DISABLE);
            case 0xC0 -> c.reply(I8042.INPUT_PORT);
            case 0xD0 -> c.reply(c.outputPort());
            case 0xD1, 0xD2, 0xD3, 0xD4 -> c.expectData(cmd);
            default -> { } // unknown: no effect
        }
    }

    /** The data byte written to port 0x60 after a command that takes one. */
    static void data(I8042 c, int cmd, int b) {
        switch (cmd) {
            case 0xD1 -> c.writeOutputPort(b);
            case 0xD2 -> c.reply(b); // appears as if the keyboard had sent it (not translated)
            case 0xD3 -> c.replyAux(b, 0); // appears as if the auxiliary device had sent it
            case 0xD4 -> {
                c.setCommandBits(0, I8042.CMD_AUX_DISABLE); // sending enables the interface
                c.replyAux(0xFE, I8042.STATUS_TIMEOUT); // no device clocks the byte out: timeout
            }
            default -> c.setRam(cmd, b); // 0x60-0x7F
        }
    }
}
