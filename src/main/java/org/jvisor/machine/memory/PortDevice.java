package org.jvisor.machine.memory;

/** A device on the I/O port bus; it sees offsets into its own port range, sizes 1, 2 or 4. */
public interface PortDevice {
    int read(int offset, int size);

    void write(int offset, int size, int value);
}
