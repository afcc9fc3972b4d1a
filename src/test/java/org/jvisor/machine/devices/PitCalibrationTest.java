package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.Clock;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/**
 * Linux measures the TSC against PIT counter 2 through port 0x61 (arch/x86/kernel/tsc.c:
 * pit_calibrate_tsc and quick_pit_calibrate). Both loops are replayed here on a pretend 2 GHz
 * processor whose every port access takes 1 µs of machine time; they must end, pass Linux's
 * own sanity checks, and find 2,000,000 kHz.
 */
class PitCalibrationTest {
    private static final long TSC_KHZ = 2_000_000, NANOS_PER_PORT_ACCESS = 1_000;
    private static final long PIT_TICK_RATE = 1_193_182;

    private final Clock.Manual clock = Clock.manual();
    private final Pit8254 pit = new Pit8254(clock, IrqLine.NONE);
    private final PortBus bus = new PortBus();
    private long tsc;

    PitCalibrationTest() {
        bus.register(0x40, 4, pit);
        bus.register(0x61, 1, new SystemControlPort(clock, pit));
        clock.advance(123_456_789); // not aligned to anything
    }

    private void spend() {
        clock.advance(NANOS_PER_PORT_ACCESS);
        tsc += TSC_KHZ * NANOS_PER_PORT_ACCESS / 1_000_000;
    }

    private int inb(int port) {
        spend();
        return bus.read(port, 1);
    }

    private void outb(int v, int port) {
        spend();
        bus.write(port, 1, v);
    }

    private void gateHighSpeakerOff() {
        outb((inb(0x61) & ~0x02) | 0x01, 0x61);
    }

    /** pit_calibrate_tsc(latch, ms, loopmin): mode 0 on counter 2, poll OUT2 in port 0x61 bit 5. */
    private long pitCalibrateTsc(int latch, int ms, int loopmin) {
        gateHighSpeakerOff();
        outb(0xB0, 0x43);
        outb(latch & 0xFF, 0x42);
        outb(latch >> 8, 0x42);
        long t1 = tsc, t2 = tsc, prev = tsc;
        long tscMin = Long.MAX_VALUE, tscMax = 0, pitcnt = 0;
        while ((inb(0x61) & 0x20) == 0) {
            t2 = tsc;
            long delta = t2 - prev;
            prev = t2;
            tscMin = Math.min(tscMin, delta);
            tscMax = Math.max(tscMax, delta);
            pitcnt++;
            assertTrue(pitcnt < 10_000_000, "OUT2 never rose");
        }
        if (pitcnt < loopmin || tscMax > 10 * tscMin) return -1;
        return (t2 - t1) / ms;
    }

    @Test
    void slowCalibrationFindsTheTscFrequency() {
        int ms = 10;
        long khz = pitCalibrateTsc((int) (PIT_TICK_RATE / (1000 / ms)), ms, 1000);
        assertTrue(khz > 0, "Linux's sanity checks failed");
        assertEquals(TSC_KHZ, khz, TSC_KHZ / 1000.0, "within 0.1%");
    }

    private boolean pitVerifyMsb(int val) {
        inb(0x42); // ignore the LSB
        return inb(0x42) == val;
    }

    private long expectTsc, expectDelta;

    /** pit_expect_msb: count how long the MSB keeps the value; false unless it held for > 5 reads. */
    private boolean pitExpectMsb(int val) {
        long t = 0, prev = 0;
        int count;
        for (count = 0; count < 50_000; count++) {
            if (!pitVerifyMsb(val)) break;
            prev = t;
            t = tsc;
        }
        expectDelta = tsc - prev;
        expectTsc = t;
        return count > 5;
    }

    /** quick_pit_calibrate: count 0xFFFF down in mode 0 and time the MSB steps (256 PIT clocks each). */
    private long quickPitCalibrate() {
        gateHighSpeakerOff();
        outb(0xB0, 0x43);
        outb(0xFF, 0x42);
        outb(0xFF, 0x42);
        pitVerifyMsb(0);
        if (!pitExpectMsb(0xFF)) return -1;
        long start = expectTsc, d1 = expectDelta;
        int maxIterations = (int) (50 * PIT_TICK_RATE / 1000 / 256);
        for (int i = 1; i <= maxIterations; i++) {
            if (!pitExpectMsb(0xFF - i)) return -1;
            long delta = expectTsc - start, d2 = expectDelta;
            if (d1 + d2 >= delta >> 11) continue; // not yet within 500 ppm
            if (!pitVerifyMsb(0xFE - i)) return -1;
            return delta * PIT_TICK_RATE / ((long) i * 256 * 1000);
        }
        return -1;
    }

    @Test
    void quickCalibrationFindsTheTscFrequency() {
        long khz = quickPitCalibrate();
        assertTrue(khz > 0, "quick calibration failed");
        assertEquals(TSC_KHZ, khz, TSC_KHZ * 500e-6, "within Linux's 500 ppm");
    }
}
