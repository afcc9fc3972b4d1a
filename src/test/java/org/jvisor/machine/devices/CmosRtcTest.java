package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import org.jvisor.machine.Clock;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** The MC146818 RTC and the PC's CMOS RAM against the Motorola datasheet, on a virtual clock. */
class CmosRtcTest {
    /** A Tuesday; whole second, so update cycles end at whole seconds of machine time. */
    private static final LocalDateTime START = LocalDateTime.of(2026, 11, 24, 22, 36, 5);
    private static final long SECOND = 1_000_000_000L;

    private final Clock.Manual clock = Clock.manual();
    private int risingEdges;
    private boolean level;
    private final CmosRtc rtc = new CmosRtc(clock, START, 128L << 20, high -> {
        if (high && !level) risingEdges++;
        level = high;
    });
    private final PortBus bus = new PortBus();

    CmosRtcTest() {
        bus.register(0x70, 2, rtc);
    }

    private int cmos(int index) {
        bus.write(0x70, 1, index);
        return bus.read(0x71, 1);
    }

    private void setCmos(int index, int v) {
        bus.write(0x70, 1, index);
        bus.write(0x71, 1, v);
    }

    private void at(long nanos) {
        clock.advanceTo(nanos);
        rtc.poll();
    }

    /** Day of week as the PC keeps it (Sunday = 1), from java.time as the oracle. */
    private static int pcDayOfWeek(LocalDateTime t) {
        return t.getDayOfWeek().getValue() % 7 + 1;
    }

    @Test
    void powerOnTimeIsTheStartTimeInBcd() {
        assertEquals(0x05, cmos(0x00));
        assertEquals(0x36, cmos(0x02));
        assertEquals(0x22, cmos(0x04));
        assertEquals(3, cmos(0x06), "Tuesday");
        assertEquals(0x24, cmos(0x07));
        assertEquals(0x11, cmos(0x08));
        assertEquals(0x26, cmos(0x09));
        assertEquals(0x20, cmos(0x32), "century");
        assertEquals(0x26, cmos(0x0A), "32.768 kHz time base, 1024 Hz rate");
        assertEquals(0x02, cmos(0x0B), "24-hour BCD, nothing enabled");
        assertEquals(0x80, cmos(0x0D), "VRT");
    }

    @Test
    void binaryModeCarriesIntoTheNextCentury() {
        clock.advanceTo(SECOND / 4);
        setCmos(0x0B, 0x86); // SET, binary, 24-hour
        int[] time = {59, 0, 59, 0, 23, 0, 0, 31, 12, 99};
        for (int i = 0; i < time.length; i++) if (i != 1 && i != 3 && i != 5) setCmos(i, time[i]);
        LocalDateTime t = LocalDateTime.of(2099, 12, 31, 23, 59, 59);
        setCmos(0x06, pcDayOfWeek(t));
        setCmos(0x32, 20);
        setCmos(0x0B, 0x06);
        at(SECOND - 1);
        assertEquals(59, cmos(0x00));
        at(SECOND);
        LocalDateTime n = t.plusSeconds(1);
        assertEquals(0, cmos(0x00));
        assertEquals(0, cmos(0x02));
        assertEquals(0, cmos(0x04));
        assertEquals(pcDayOfWeek(n), cmos(0x06));
        assertEquals(1, cmos(0x07));
        assertEquals(1, cmos(0x08));
        assertEquals(0, cmos(0x09));
        assertEquals(21, cmos(0x32));
    }

    @Test
    void twelveHourModeSetsThePmBit() {
        setCmos(0x0B, 0x80); // SET, BCD, 12-hour
        setCmos(0x04, 0x91); // 11 PM
        setCmos(0x02, 0x59);
        setCmos(0x00, 0x59);
        setCmos(0x0B, 0x00);
        at(SECOND);
        assertEquals(0x12, cmos(0x04), "midnight is 12 AM: no PM bit");
        assertEquals(0x00, cmos(0x02));
        assertEquals(0x25, cmos(0x07), "the date moves on");
        assertEquals(4, cmos(0x06));
        setCmos(0x0B, 0x80);
        setCmos(0x04, 0x11); // 11 AM
        setCmos(0x02, 0x59);
        setCmos(0x00, 0x59);
        setCmos(0x0B, 0x00);
        at(2 * SECOND);
        assertEquals(0x92, cmos(0x04), "noon is 12 PM");
        at(3601 * SECOND + 2 * SECOND);
        assertEquals(0x81, cmos(0x04), "1 PM");
    }

    @Test
    void periodicInterruptAtRate6Is1024Hz() {
        setCmos(0x0B, 0x42); // PIE
        assertEquals(976_563, rtc.nextEventNanos(), "first period: 32 time-base cycles = 976562.5 ns");
        for (long t = 0; t <= SECOND; t += 50_000) {
            at(t);
            if (level) assertEquals(0xC0, cmos(0x0C) & 0xC0, "IRQF and PF");
        }
        assertEquals(1024, risingEdges);
    }

    @Test
    void periodicRatesFollowRegisterA() {
        setCmos(0x0A, 0x2F); // rate 15: 2 Hz
        setCmos(0x0B, 0x42);
        for (long t = 0; t <= 3 * SECOND; t += SECOND / 100) {
            at(t);
            if (level) cmos(0x0C);
        }
        assertEquals(6, risingEdges);
        setCmos(0x0A, 0x23); // rate 3: 8192 Hz, 122.07 µs
        assertEquals(3 * SECOND + 122_071, rtc.nextEventNanos());
        setCmos(0x0A, 0x21); // rate 1: 256 Hz (not 32 kHz, on a 32.768 kHz time base)
        assertEquals(3 * SECOND + 3_906_250, rtc.nextEventNanos());
    }

    @Test
    void updateEndedInterruptOncePerSecond() {
        setCmos(0x0B, 0x12); // UIE
        for (long t = 0; t <= 3 * SECOND + SECOND / 2; t += SECOND / 1000) {
            at(t);
            if (level) {
                assertEquals(0, t % SECOND, "at the end of each update cycle");
                assertEquals(0x90, cmos(0x0C) & 0xB0, "IRQF and UF");
            }
        }
        assertEquals(3, risingEdges);
        assertEquals(0x08, cmos(0x00));
    }

    @Test
    void readingRegisterCClearsFlagsAndLowersIrq8() {
        at(SECOND / 10);
        assertEquals(0x40, cmos(0x0C), "PF is set even with PIE clear, without IRQF");
        assertEquals(0, risingEdges);
        at(2 * SECOND / 10);
        setCmos(0x0B, 0x42); // PIE with PF already set: IRQF rises at once
        assertTrue(level);
        assertEquals(1, risingEdges);
        at(SECOND / 2); // more periods while IRQF is up: no new edge
        assertEquals(1, risingEdges);
        assertEquals(0xC0, cmos(0x0C), "IRQF and PF");
        assertFalse(level, "reading C drops IRQ8");
        assertEquals(0x00, cmos(0x0C), "and the flags are gone");
    }

    @Test
    void uipRisesBeforeTheUpdateAndFallsWhenItEnds() {
        // UIP covers the last 8 + 65 cycles of the second: 997772217 ns to 1 s.
        at(997_700_000);
        assertEquals(0x26, cmos(0x0A));
        at(997_800_000);
        assertEquals(0xA6, cmos(0x0A));
        at(SECOND - 1);
        assertEquals(0xA6, cmos(0x0A));
        assertEquals(0x05, cmos(0x00), "the time changes when the update completes");
        at(SECOND);
        assertEquals(0x26, cmos(0x0A));
        assertEquals(0x06, cmos(0x00));
        setCmos(0x0B, 0x82);
        at(2 * SECOND - 1000);
        assertEquals(0x26, cmos(0x0A), "no update cycles while SET is 1");
    }

    @Test
    void nmiMaskBitIsStored() {
        bus.write(0x70, 1, 0x8A);
        assertTrue(rtc.nmiDisabled());
        assertEquals(0x26, bus.read(0x71, 1), "the index still selects register A");
        bus.write(0x70, 1, 0x0B);
        assertFalse(rtc.nmiDisabled());
        assertEquals(0x02, bus.read(0x71, 1));
    }

    @Test
    void alarmInterrupt() {
        setCmos(0x01, 0x08);
        setCmos(0x03, 0x36);
        setCmos(0x05, 0x22); // 22:36:08, three seconds after the start
        setCmos(0x0B, 0x22); // AIE
        assertEquals(3 * SECOND, rtc.nextEventNanos());
        at(3 * SECOND - 1);
        assertEquals(0, risingEdges);
        at(3 * SECOND);
        assertEquals(1, risingEdges);
        assertEquals(0xB0, cmos(0x0C) & 0xB0, "IRQF, AF and UF");
        setCmos(0x05, 0xC0); // hours "don't care": the same minute and second the next hour
        assertEquals(3603 * SECOND, rtc.nextEventNanos());
        setCmos(0x01, 0xFF);
        setCmos(0x03, 0xFF);
        assertEquals(4 * SECOND, rtc.nextEventNanos(), "all don't care: every second");
    }

    @Test
    void setStopsUpdatesAndClearsUie() {
        setCmos(0x0B, 0x92);
        assertEquals(0x82, cmos(0x0B));
        at(5 * SECOND + SECOND / 2);
        assertEquals(0x05, cmos(0x00));
        setCmos(0x0B, 0x02);
        at(6 * SECOND - 1);
        assertEquals(0x05, cmos(0x00));
        at(6 * SECOND);
        assertEquals(0x06, cmos(0x00), "updates resume at the divider's next second");
    }

    @Test
    void dividerResetHoldsTimeAndReleaseStartsHalfASecond() {
        setCmos(0x0A, 0x66); // DV = 110: divider in reset
        at(3 * SECOND + SECOND / 4);
        assertEquals(0x05, cmos(0x00));
        assertEquals(0, cmos(0x0C), "no periodic or update flags while in reset");
        setCmos(0x0A, 0x26);
        at(3 * SECOND + 3 * SECOND / 4 - 1);
        assertEquals(0x05, cmos(0x00));
        at(3 * SECOND + 3 * SECOND / 4);
        assertEquals(0x06, cmos(0x00), "first update 500 ms after the release");
    }

    @Test
    void longSkipsKeepTheCalendar() {
        setCmos(0x0B, 0x12);
        assertEquals(SECOND, rtc.nextEventNanos());
        long skip = 86_400L * 500 + 3_723; // over a year, through a leap day
        at(skip * SECOND + SECOND / 3);
        LocalDateTime t = START.plusSeconds(skip);
        assertEquals(1, risingEdges, "one edge for all the missed updates");
        assertEquals(t.getSecond(), PitCounter.fromBcd(cmos(0x00)));
        assertEquals(t.getMinute(), PitCounter.fromBcd(cmos(0x02)));
        assertEquals(t.getHour(), PitCounter.fromBcd(cmos(0x04)));
        assertEquals(pcDayOfWeek(t), cmos(0x06));
        assertEquals(t.getDayOfMonth(), PitCounter.fromBcd(cmos(0x07)));
        assertEquals(t.getMonthValue(), PitCounter.fromBcd(cmos(0x08)));
        assertEquals(t.getYear() % 100, PitCounter.fromBcd(cmos(0x09)));
    }

    @Test
    void powerOnConfigurationBytes() {
        assertEquals(0x00, cmos(0x0F), "shutdown status: normal");
        assertEquals(0x00, cmos(0x0E));
        assertEquals(640, cmos(0x15) | cmos(0x16) << 8);
        assertEquals(0xFFFF, cmos(0x17) | cmos(0x18) << 8, "127 MiB above 1 MiB, capped at 65535 KiB");
        assertEquals(0xFFFF, cmos(0x30) | cmos(0x31) << 8);
        assertEquals((128 - 16) * 16, cmos(0x34) | cmos(0x35) << 8, "64 KiB blocks above 16 MiB");
        assertEquals(0x02, cmos(0x14) & 0x03, "math coprocessor, no diskette");
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) sum += cmos(i);
        assertEquals(sum, cmos(0x2E) << 8 | cmos(0x2F));

        CmosRtc small = new CmosRtc(clock, START, 8L << 20, IrqLine.NONE);
        assertEquals(7 * 1024, small.readRegister(0x17) | small.readRegister(0x18) << 8);
        assertEquals(0, small.readRegister(0x34) | small.readRegister(0x35) << 8);
    }

    @Test
    void ramBytesHoldWhatIsWritten() {
        for (int i = 0x0E; i < 0x80; i++) setCmos(i, i ^ 0x5A);
        for (int i = 0x0E; i < 0x80; i++) assertEquals(i ^ 0x5A, cmos(i));
        setCmos(0x0D, 0x00);
        assertEquals(0x80, cmos(0x0D), "register D is read-only");
    }
}
