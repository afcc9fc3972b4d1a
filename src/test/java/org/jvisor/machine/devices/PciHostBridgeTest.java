package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** Configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2) and the 440FX host bridge's identity. */
class PciHostBridgeTest {
    private int resets;
    private final PciHostBridge pci = new PciHostBridge(() -> resets++);
    private final PortBus bus = new PortBus();

    PciHostBridgeTest() {
        bus.register(PciHostBridge.FIRST_PORT, PciHostBridge.PORT_COUNT, pci);
    }

    private static int address(int busNo, int dev, int fn, int reg) {
        return 0x80000000 | busNo << 16 | dev << 11 | fn << 8 | reg;
    }

    private int read(int addr, int port, int size) {
        bus.write(0xCF8, 4, addr);
        return bus.read(port, size);
    }

    @Test
    void hostBridgeIdentityAsDwords() {
        assertEquals(0x12378086, read(address(0, 0, 0, 0x00), 0xCFC, 4));
        assertEquals(0x06000002, read(address(0, 0, 0, 0x08), 0xCFC, 4), "class 060000, revision 02");
        assertEquals(0x00, read(address(0, 0, 0, 0x0C), 0xCFE, 1), "header type 0, single function");
    }

    @Test
    void hostBridgeIdentityAsWordsAndBytes() {
        int a = address(0, 0, 0, 0x00);
        assertEquals(0x8086, read(a, 0xCFC, 2));
        assertEquals(0x1237, read(a, 0xCFE, 2));
        assertEquals(0x86, read(a, 0xCFC, 1));
        assertEquals(0x80, read(a, 0xCFD, 1));
        assertEquals(0x37, read(a, 0xCFE, 1));
        assertEquals(0x12, read(a, 0xCFF, 1));
        assertEquals(0x3780, read(a, 0xCFD, 2), "a word in the middle of the dword");
        int c = address(0, 0, 0, 0x08);
        assertEquals(0x06, read(c, 0xCFF, 1), "base class: bridge");
        assertEquals(0x00, read(c, 0xCFE, 1), "sub-class: host bridge");
    }

    @Test
    void absentFunctionsAndOtherBusesReadAllOnes() {
        assertEquals(0xFFFFFFFF, read(address(0, 5, 0, 0), 0xCFC, 4));
        assertEquals(0xFFFF, read(address(0, 0, 1, 0), 0xCFC, 2));
        assertEquals(0xFF, read(address(0, 31, 7, 0), 0xCFF, 1));
        assertEquals(0xFFFFFFFF, read(address(1, 0, 0, 0), 0xCFC, 4));
    }

    @Test
    void enableBitClearMeansNoConfigCycle() {
        assertEquals(0xFFFFFFFF, read(0x00000000, 0xCFC, 4));
        assertEquals(0xFFFF, read(0x00000000, 0xCFC, 2));
    }

    @Test
    void configAddressReadsBackWithReservedBitsZero() {
        bus.write(0xCF8, 4, 0x80000000);
        assertEquals(0x80000000, bus.read(0xCF8, 4), "Linux's type 1 probe value");
        bus.write(0xCF8, 4, 0xFFFFFFFF);
        assertEquals(0x80FFFFFC, bus.read(0xCF8, 4), "bits 30-24 and 1-0 read as 0");
        bus.write(0xCF8, 4, 0x00001234);
        assertEquals(0x00001234, bus.read(0xCF8, 4));
    }

    @Test
    void narrowAccessesToCf8AreNotConfigAddress() {
        bus.write(0xCF8, 4, address(0, 0, 0, 0));
        bus.write(0xCFB, 1, 0x01); // Linux's probe pokes 0xCFB with a byte first
        bus.write(0xCF8, 2, 0x0000);
        assertEquals(address(0, 0, 0, 0), bus.read(0xCF8, 4));
        assertEquals(0xFF, bus.read(0xCF8, 1));
    }

    @Test
    void registerSelectUsesDwordAlignment() {
        // Bits 1-0 of the address are ignored: the byte offset comes from the CONFIG_DATA port.
        bus.write(0xCF8, 4, address(0, 0, 0, 0x02) | 0x01);
        assertEquals(0x8086, bus.read(0xCFC, 2));
    }

    @Test
    void readOnlyIdentityIgnoresWritesButChipsetRegistersStore() {
        int id = address(0, 0, 0, 0);
        bus.write(0xCF8, 4, id);
        bus.write(0xCFC, 4, 0);
        assertEquals(0x12378086, bus.read(0xCFC, 4));
        bus.write(0xCF8, 4, address(0, 0, 0, 0x58));
        bus.write(0xCFD, 1, 0x30); // PAM0 at 0x59
        assertEquals(0x30, bus.read(0xCFD, 1));
    }

    @Test
    void commandRegisterKeepsReadOnlyBits() {
        int cmd = address(0, 0, 0, 0x04);
        assertEquals(0x02800006, read(cmd, 0xCFC, 4), "PCICMD 0006h, PCISTS 0280h");
        bus.write(0xCFC, 2, 0x0000);
        assertEquals(0x0006, bus.read(0xCFC, 2));
        bus.write(0xCFC, 2, 0x0140);
        assertEquals(0x0146, bus.read(0xCFC, 2));
    }

    @Test
    void attachedFunctionIsReachable() {
        pci.attach(1, 0, new PciConfigRegisters(0x8086, 0x7000, 0, 0x060100, 0x80));
        assertEquals(0x70008086, read(address(0, 1, 0, 0), 0xCFC, 4));
        assertEquals(0x80, read(address(0, 1, 0, 0x0C), 0xCFE, 1));
    }

    @Test
    void resetControlRegister() {
        bus.write(0xCF9, 1, 0x02);
        assertEquals(0x02, bus.read(0xCF9, 1));
        assertEquals(0, resets);
        bus.write(0xCF9, 1, 0x06);
        assertEquals(1, resets);
        assertEquals(0x02, bus.read(0xCF9, 1), "bit 2 clears itself");
    }
}
