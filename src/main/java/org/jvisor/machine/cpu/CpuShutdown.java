package org.jvisor.machine.cpu;

/** Thrown when the processor must stop (triple fault); run() turns it into {@link Exit.Shutdown}. */
public final class CpuShutdown extends RuntimeException {
    public CpuShutdown(String reason) {
        super(reason, null, false, false);
    }
}
