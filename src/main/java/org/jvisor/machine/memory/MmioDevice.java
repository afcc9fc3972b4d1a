package org.jvisor.machine.memory;

/** A device window in the physical address space; it sees offsets into its own range. */
public interface MmioDevice {
    int read(int offset, int size);

    void write(int offset, int size, int value);
}
