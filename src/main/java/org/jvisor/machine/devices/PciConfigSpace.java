package org.jvisor.machine.devices;

/**
 * The 256-byte configuration space of one PCI function (PCI Local Bus 3.0, 6.1). Offsets are
 * byte offsets 0-255; an access of size 1, 2 or 4 never crosses a dword boundary (the host
 * bridge guarantees it) and is little-endian.
 */
public interface PciConfigSpace {
    int read(int offset, int size);

    void write(int offset, int size, int value);
}
