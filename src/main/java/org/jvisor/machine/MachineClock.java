package org.jvisor.machine;

import org.jvisor.machine.cpu.Cpu;

/**
 * The PC's time: one nanosecond per retired instruction, plus the time the processor spent
 * halted. While the guest computes, its time runs at the model's speed; while it idles in
 * HLT the machine jumps (or sleeps) to the next device event and adds that gap. The
 * time-stamp counter is kept equal to this clock (a 1 GHz TSC), so the guest's PIT, RTC and
 * TSC always agree with each other.
 */
public final class MachineClock implements Clock {
    private final Cpu cpu;
    private long idle;

    public MachineClock(Cpu cpu) {
        this.cpu = cpu;
    }

    @Override
    public long nanos() {
        return cpu.instructions + idle;
    }

    /** Moves time forward to {@code target} while the processor is halted; the TSC follows. */
    public void skipTo(long target) {
        long gap = target - nanos();
        if (gap <= 0) return;
        idle += gap;
        cpu.tsc += gap; // system.Tsc: TSC = instructions + offset, so it advances by the same gap
    }
}
