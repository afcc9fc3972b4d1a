package org.jvisor.machine.devices;

import org.jvisor.machine.memory.PortDevice;

/**
 * The debug-exit port (qemu's isa-debug-exit, by convention at 0xF4): a write of value v
 * ends the machine. qemu turns v into the process exit status 2v+1; {@link #qemuStatus()}
 * gives the same number so the two can be compared.
 */
public final class DebugExit implements PortDevice {
    private final Runnable stop;
    private boolean exited;
    private int value;

    /** @param stop called on every write, e.g. {@code cpu::requestStop} */
    public DebugExit(Runnable stop) {
        this.stop = stop;
    }

    @Override
    public int read(int offset, int size) {
        return size == 4 ? -1 : (1 << (8 * size)) - 1; // write-only: reads see the open bus
    }

    @Override
    public void write(int offset, int size, int v) {
        exited = true;
        value = v;
        stop.run();
    }

    public boolean exited() {
        return exited;
    }

    /** The value written, as the guest wrote it (zero-extended to the access size by the bus). */
    public int value() {
        return value;
    }

    /** The process exit status qemu-system-i386 gives for the same write: (v << 1) | 1, cut to 8 bits. */
    public int qemuStatus() {
        return ((value << 1) | 1) & 0xFF;
    }
}
