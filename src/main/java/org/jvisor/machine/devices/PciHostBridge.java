package org.jvisor.machine.devices;

import org.jvisor.machine.memory.PortDevice;

/**
 * The PCI host bridge's configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2) at ports
 * 0xCF8-0xCFF, with bus 0 behind it and an Intel 82441FX (440FX PMC) at 00:00.0 so a kernel
 * finds a host bridge. More functions are added with {@link #attach}.
 *
 * <p>CONFIG_ADDRESS is only a 32-bit access to 0xCF8; other accesses to 0xCF8-0xCFB are plain
 * I/O: here 0xCF9 is the PIIX3 Reset Control register, the rest reads open bus. Reserved bits
 * 30-24 and bits 1-0 of CONFIG_ADDRESS read back as 0, as the spec requires. While bit 31 is
 * clear, CONFIG_DATA is plain I/O (open bus). Functions that do not exist, and any bus other
 * than 0 (no PCI-to-PCI bridges), end in master abort: all ones.
 */
public final class PciHostBridge implements PortDevice {
    public static final int FIRST_PORT = 0xCF8, PORT_COUNT = 8;
    public static final int ENABLE = 0x80000000, ADDRESS_MASK = 0x80FFFFFC;
    /** PIIX3 Reset Control register (0xCF9): bit 2 starts a reset, bit 1 asks for a hard one. */
    public static final int RESET_CONTROL = 1, RC_RESET_CPU = 0x04, RC_SYSTEM_RESET = 0x02;

    private final PciConfigSpace[] bus0 = new PciConfigSpace[256]; // index = device << 3 | function
    private final Runnable resetLine;
    private int configAddress;
    private int resetControl;

    /** @param reset called when the guest writes 0xCF9 with bit 2 set (Linux's reboot=pci) */
    public PciHostBridge(Runnable reset) {
        this.resetLine = reset;
        attach(0, 0, i440fx());
    }

    /** Puts a function at 00:device.function (device 0-31, function 0-7). */
    public void attach(int device, int function, PciConfigSpace config) {
        if (device < 0 || device > 31 || function < 0 || function > 7) {
            throw new IllegalArgumentException("bad PCI address " + device + "." + function);
        }
        int slot = device << 3 | function;
        if (bus0[slot] != null) throw new IllegalStateException("PCI 00:" + device + "." + function + " taken");
        bus0[slot] = config;
    }

    /**
     * The 82441FX's identity and reset values (Intel 440FX PCIset datasheet, PMC configuration
     * registers): vendor 8086h, device 1237h, revision 02h, class 060000h (host bridge),
     * PCICMD 0006h, PCISTS 0280h. The chipset registers 0x40-0xFF (PAM, DRB, SMRAM, ...) are
     * kept as plain storage, writable, so firmware-style setup code can read back what it set.
     */
    static PciConfigRegisters i440fx() {
        PciConfigRegisters r = new PciConfigRegisters(0x8086, 0x1237, 0x02, 0x060000, 0x00);
        r.set(PciConfigRegisters.COMMAND, 2, 0x0006);
        r.set(PciConfigRegisters.STATUS, 2, 0x0280);
        r.allowWrites(PciConfigRegisters.COMMAND, 2, 0x0140); // parity response and SERR# enables; bits 1-2 read-only 1
        r.allowWrites(PciConfigRegisters.LATENCY_TIMER, 1, 0xF8);
        for (int off = 0x40; off < 0x100; off += 4) r.allowWrites(off, 4, -1);
        return r;
    }

    @Override
    public int read(int offset, int size) {
        if (offset == 0 && size == 4) return configAddress;
        if (offset >= 4) return configData(offset - 4, size, 0, true);
        return plainRead(offset, size);
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset == 0 && size == 4) {
            configAddress = value & ADDRESS_MASK;
        } else if (offset >= 4) {
            configData(offset - 4, size, value, false);
        } else if (offset == RESET_CONTROL) {
            writeResetControl(value & 0xFF);
        }
    }

    /** The CONFIG_ADDRESS value as it reads back. */
    public int configAddress() {
        return configAddress;
    }

    private int plainRead(int offset, int size) {
        int v = -1;
        for (int i = 0; i < size; i++) {
            int b = offset + i == RESET_CONTROL ? resetControl : 0xFF;
            v = (v & ~(0xFF << (8 * i))) | b << (8 * i);
        }
        return size == 4 ? v : v & ((1 << (8 * size)) - 1);
    }

    private void writeResetControl(int v) {
        resetControl = v & RC_SYSTEM_RESET; // bit 2 is self-clearing
        if ((v & RC_RESET_CPU) != 0) resetLine.run();
    }

    /** CONFIG_DATA: byte n of the selected dword; accesses running past 0xCFF take open bus there. */
    private int configData(int n, int size, int value, boolean read) {
        PciConfigSpace f = (configAddress & ENABLE) == 0 ? null : selected();
        int register = configAddress & 0xFC;
        int width = Math.min(size, 4 - n);
        if (read) {
            int v = f == null ? -1 : f.read(register + n, width);
            if (width < 4) v |= -1 << (8 * width); // missing bytes (master abort or past 0xCFF) read 1s
            return size == 4 ? v : v & ((1 << (8 * size)) - 1);
        }
        if (f != null) f.write(register + n, width, width == 4 ? value : value & ((1 << (8 * width)) - 1));
        return 0;
    }

    private PciConfigSpace selected() {
        if ((configAddress >>> 16 & 0xFF) != 0) return null; // no bus behind bus 0
        return bus0[configAddress >>> 8 & 0xFF];
    }
}
