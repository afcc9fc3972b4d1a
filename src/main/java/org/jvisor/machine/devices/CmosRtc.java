package org.jvisor.machine.devices;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import org.jvisor.machine.Clock;
import org.jvisor.machine.memory.PortDevice;

/**
 * The Motorola MC146818 real-time clock with its 128 bytes of CMOS RAM, at ports 0x70 (index;
 * bit 7 is the PC's NMI disable, stored) and 0x71 (data). Time and date (registers 0-9) start
 * at a wall-clock time given at construction and advance with the machine {@link Clock};
 * registers A-D follow the datasheet, the rest is RAM holding the PC's power-on configuration.
 *
 * <p>The 32.768 kHz divider chain is modelled in time-base cycles. Each second ends with an
 * update cycle: UIP rises tBUC (244 µs) + tUC (1984 µs) before its end; at the end the time
 * advances and UF (and AF on an alarm match) is set. PF is set at the rate in register A. IRQ8
 * follows IRQF = PF·PIE + AF·AIE + UF·UIE and drops when register C is read. Work is done lazily
 * on each access and on {@link #poll()}; {@link #nextEventNanos()} says when IRQF would rise.
 * DSE (daylight saving) is stored but has no effect.
 */
public final class CmosRtc implements PortDevice {
    public static final int SECONDS = 0x00, SECONDS_ALARM = 0x01, MINUTES = 0x02, MINUTES_ALARM = 0x03,
            HOURS = 0x04, HOURS_ALARM = 0x05, DAY_OF_WEEK = 0x06, DAY_OF_MONTH = 0x07, MONTH = 0x08, YEAR = 0x09,
            REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C, REG_D = 0x0D;
    /** PC/AT CMOS layout (IBM AT technical reference). */
    public static final int DIAGNOSTIC_STATUS = 0x0E, SHUTDOWN_STATUS = 0x0F, EQUIPMENT = 0x14,
            BASE_MEMORY_KB = 0x15, EXTENDED_MEMORY_KB = 0x17, CHECKSUM = 0x2E, EXTENDED_MEMORY_KB_COPY = 0x30,
            CENTURY = 0x32, MEMORY_ABOVE_16M_64K = 0x34;
    public static final int A_UIP = 0x80, A_DIVIDER = 0x70, A_RATE = 0x0F;
    public static final int B_SET = 0x80, B_PIE = 0x40, B_AIE = 0x20, B_UIE = 0x10, B_SQWE = 0x08,
            B_BINARY = 0x04, B_24_HOUR = 0x02, B_DSE = 0x01;
    public static final int C_IRQF = 0x80, C_PF = 0x40, C_AF = 0x20, C_UF = 0x10;
    public static final int D_VRT = 0x80;

    /** Time-base cycles per second (32.768 kHz crystal). */
    public static final int CYCLES_PER_SECOND = 32768;
    /** UIP is high for the last tBUC + tUC = 8 + 65 time-base cycles before each update completes. */
    public static final int UIP_CYCLES = 8 + 65;
    private static final long NANOS_PER_64_CYCLES = 1_953_125; // 64 / 32768 s, exactly
    private static final int SECONDS_PER_DAY = 86_400;
    private static final long DIVIDER_RELEASE_NANOS = 500_000_000; // first update half a second after reset

    private final Clock clock;
    private final IrqLine irq;
    private final int[] ram = new int[128];
    private int index;
    private boolean nmiDisabled;
    private int flags; // PF, AF, UF
    private boolean irqAsserted;
    private long origin; // clock nanos of time-base cycle 0
    private long syncedCycle;

    /**
     * @param start    wall-clock time at this moment of {@code clock} (the PC passes the host's)
     * @param ramBytes installed RAM, for the memory size bytes
     * @param irq8     the RTC's interrupt line (IRQ8, the slave PIC's IR0)
     */
    public CmosRtc(Clock clock, LocalDateTime start, long ramBytes, IrqLine irq8) {
        this.clock = clock;
        this.irq = irq8;
        ram[REG_A] = 0x26; // 32.768 kHz time base, 1024 Hz periodic rate (as a PC BIOS leaves it)
        ram[REG_B] = B_24_HOUR;
        writeTime(start, start.getDayOfWeek().getValue() % 7 + 1); // day of week: Sunday = 1
        origin = clock.nanos() - start.getNano(); // update cycles end on the wall clock's seconds
        syncedCycle = cycleAt(clock.nanos());
        powerOnConfiguration(ramBytes);
    }

    /** Memory sizes, equipment and status bytes as a PC BIOS leaves them, with the checksum. */
    private void powerOnConfiguration(long ramBytes) {
        ram[DIAGNOSTIC_STATUS] = 0;
        ram[SHUTDOWN_STATUS] = 0;      // normal power-on
        ram[EQUIPMENT] = 0x02;         // no diskette, math coprocessor present, EGA/VGA display
        setWord(BASE_MEMORY_KB, 640);
        int extendedKb = (int) Math.clamp(ramBytes / 1024 - 1024, 0, 0xFFFF);
        setWord(EXTENDED_MEMORY_KB, extendedKb);
        setWord(EXTENDED_MEMORY_KB_COPY, extendedKb);
        setWord(MEMORY_ABOVE_16M_64K, (int) Math.clamp((ramBytes - (16L << 20)) >> 16, 0, 0xFFFF));
        int sum = 0;
        for (int i = 0x10; i < CHECKSUM; i++) sum += ram[i];
        ram[CHECKSUM] = sum >>> 8 & 0xFF; // big-endian, unlike the other words
        ram[CHECKSUM + 1] = sum & 0xFF;
    }

    private void setWord(int at, int v) {
        ram[at] = v & 0xFF;
        ram[at + 1] = v >>> 8 & 0xFF;
    }

    @Override
    public int read(int offset, int size) {
        int v = (offset & 1) == 0 ? 0xFF : readRegister(index); // the index port is write-only
        return size == 1 ? v : v | (size == 2 ? 0xFF00 : 0xFFFFFF00);
    }

    @Override
    public void write(int offset, int size, int value) {
        if ((offset & 1) == 0) {
            index = value & 0x7F;
            nmiDisabled = (value & 0x80) != 0;
        } else {
            writeRegister(index, value & 0xFF);
        }
    }

    /** Bit 7 of the last index written: NMIs are masked (the PC's NMI gate, stored here). */
    public boolean nmiDisabled() {
        return nmiDisabled;
    }

    /** Brings flags, time and IRQ8 up to the clock. */
    public void poll() {
        sync();
    }

    /** When IRQF would next rise (possibly already past if not yet polled), or Long.MAX_VALUE. */
    public long nextEventNanos() {
        sync();
        if (irqAsserted || dividerInReset()) return Long.MAX_VALUE;
        long next = Long.MAX_VALUE; // in time-base cycles
        int period = periodicCycles();
        if ((ram[REG_B] & B_PIE) != 0 && period > 0) next = (syncedCycle / period + 1) * period;
        if (updatesRun()) {
            long nextUpdate = (syncedCycle / CYCLES_PER_SECOND + 1) * CYCLES_PER_SECOND;
            if ((ram[REG_B] & B_UIE) != 0) {
                next = Math.min(next, nextUpdate);
            } else if ((ram[REG_B] & B_AIE) != 0) {
                int d = secondsToAlarm();
                if (d > 0) next = Math.min(next, nextUpdate + (d - 1L) * CYCLES_PER_SECOND);
            }
        }
        return next == Long.MAX_VALUE ? next : nanosAtCycle(next);
    }

    int readRegister(int i) {
        sync();
        return switch (i) {
            case REG_A -> ram[REG_A] | (updateInProgress() ? A_UIP : 0);
            case REG_C -> {
                int v = flags | (irqAsserted ? C_IRQF : 0);
                flags = 0; // reading C clears every flag, which drops IRQ8
                updateIrq();
                yield v;
            }
            case REG_D -> D_VRT; // the battery is always good
            default -> ram[i];
        };
    }

    void writeRegister(int i, int v) {
        sync();
        switch (i) {
            case REG_A -> writeRegisterA(v);
            case REG_B -> {
                ram[REG_B] = (v & B_SET) != 0 ? v & ~B_UIE : v; // SET aborts updates and clears UIE
                updateIrq();
            }
            case REG_C, REG_D -> { } // read-only
            default -> ram[i] = v;
        }
    }

    /** DV2-DV0 = 11x hold the divider in reset; leaving reset starts a second that ends 500 ms later. */
    private void writeRegisterA(int v) {
        boolean wasReset = dividerInReset();
        ram[REG_A] = v & 0x7F; // UIP is read-only
        if (wasReset && !dividerInReset()) {
            long now = clock.nanos();
            origin = now - DIVIDER_RELEASE_NANOS;
            syncedCycle = cycleAt(now);
        }
    }

    private boolean dividerInReset() {
        return (ram[REG_A] & 0x60) == 0x60;
    }

    private boolean updatesRun() {
        return !dividerInReset() && (ram[REG_B] & B_SET) == 0;
    }

    private boolean updateInProgress() {
        return updatesRun() && syncedCycle % CYCLES_PER_SECOND >= CYCLES_PER_SECOND - UIP_CYCLES;
    }

    /** Periodic interrupt period in time-base cycles for RS3-RS0 (datasheet Table 5); 0 = none. */
    private int periodicCycles() {
        int rs = ram[REG_A] & A_RATE;
        if (rs == 0) return 0;
        return rs <= 2 ? 1 << (rs + 6) : 1 << (rs - 1);
    }

    /** Time-base cycles completed at {@code nanos}. */
    private long cycleAt(long nanos) {
        long d = nanos - origin;
        return d / NANOS_PER_64_CYCLES * 64 + d % NANOS_PER_64_CYCLES * 64 / NANOS_PER_64_CYCLES;
    }

    private long nanosAtCycle(long c) {
        return origin + c / 64 * NANOS_PER_64_CYCLES + (c % 64 * NANOS_PER_64_CYCLES + 63) / 64;
    }

    /** Applies every periodic tick and update cycle between the last sync and now. */
    private void sync() {
        long c = cycleAt(clock.nanos());
        long from = syncedCycle;
        if (c <= from) return;
        syncedCycle = c;
        if (dividerInReset()) return;
        int period = periodicCycles();
        if (period > 0 && c / period > from / period) flags |= C_PF;
        if ((ram[REG_B] & B_SET) == 0) {
            long updates = c / CYCLES_PER_SECOND - from / CYCLES_PER_SECOND;
            if (updates > 0) update(updates);
        }
        updateIrq();
    }

    /** {@code n} update cycles at once: the time advances n seconds; UF, and AF if any of them matched. */
    private void update(long n) {
        flags |= C_UF;
        LocalDateTime now = readTime();
        if (now == null) return; // registers hold no valid date: the chip's result is undefined; keep them
        LocalDateTime next = now.plusSeconds(n);
        long days = ChronoUnit.DAYS.between(now.toLocalDate(), next.toLocalDate());
        int dow = decode(ram[DAY_OF_WEEK]);
        writeTime(next, dow >= 1 && dow <= 7 ? (int) ((dow - 1 + days) % 7) + 1 : ram[DAY_OF_WEEK]);
        int sod = next.toLocalTime().toSecondOfDay();
        for (long i = 0; i < Math.min(n, SECONDS_PER_DAY); i++) {
            if (alarmMatches(Math.floorMod(sod - i, SECONDS_PER_DAY))) {
                flags |= C_AF;
                break;
            }
        }
    }

    /** Seconds (1 to 86400) until an update that matches the alarm, or -1 if none can. */
    private int secondsToAlarm() {
        LocalDateTime now = readTime();
        if (now == null) return -1;
        int sod = now.toLocalTime().toSecondOfDay();
        for (int d = 1; d <= SECONDS_PER_DAY; d++) {
            if (alarmMatches((sod + d) % SECONDS_PER_DAY)) return d;
        }
        return -1;
    }

    /** The alarm compares the encoded bytes; 11xxxxxx in an alarm byte matches anything. */
    private boolean alarmMatches(int secondOfDay) {
        return alarmByte(SECONDS_ALARM, encode(secondOfDay % 60))
                && alarmByte(MINUTES_ALARM, encode(secondOfDay / 60 % 60))
                && alarmByte(HOURS_ALARM, encodeHours(secondOfDay / 3600));
    }

    private boolean alarmByte(int register, int current) {
        int a = ram[register];
        return (a & 0xC0) == 0xC0 || a == current;
    }

    private void updateIrq() {
        boolean irqf = (flags & ram[REG_B] & (C_PF | C_AF | C_UF)) != 0; // flag bits line up with PIE/AIE/UIE
        if (irqf != irqAsserted) {
            irqAsserted = irqf;
            irq.set(irqf);
        }
    }

    /** The time in registers 0, 2, 4, 7, 8, 9 and the century byte, or null if they hold no valid date. */
    private LocalDateTime readTime() {
        int century = decode(ram[CENTURY]);
        int year = decode(ram[YEAR]);
        if (century < 0 || year < 0 || year > 99) return null;
        try {
            return LocalDateTime.of(century * 100 + year, decode(ram[MONTH]), decode(ram[DAY_OF_MONTH]),
                    decodeHours(ram[HOURS]), decode(ram[MINUTES]), decode(ram[SECONDS]));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Writes the time and date registers and the century byte; {@code dayOfWeek} is stored as given. */
    private void writeTime(LocalDateTime t, int dayOfWeek) {
        ram[SECONDS] = encode(t.getSecond());
        ram[MINUTES] = encode(t.getMinute());
        ram[HOURS] = encodeHours(t.getHour());
        ram[DAY_OF_WEEK] = dayOfWeek; // 1-7 reads the same in BCD and binary
        ram[DAY_OF_MONTH] = encode(t.getDayOfMonth());
        ram[MONTH] = encode(t.getMonthValue());
        ram[YEAR] = encode(t.getYear() % 100);
        ram[CENTURY] = encode(t.getYear() / 100);
    }

    private boolean binary() {
        return (ram[REG_B] & B_BINARY) != 0;
    }

    /** A register value as a number per DM; -1 for a byte that is not valid BCD. */
    private int decode(int v) {
        if (binary()) return v;
        int lo = v & 0xF, hi = v >>> 4;
        return lo > 9 || hi > 9 ? -1 : hi * 10 + lo;
    }

    private int encode(int n) {
        return binary() ? n : (n / 10) << 4 | n % 10;
    }

    /** 12-hour mode: 1-12 with bit 7 set for PM (datasheet, hours register). */
    private int decodeHours(int v) {
        if ((ram[REG_B] & B_24_HOUR) != 0) return decode(v);
        int h = decode(v & 0x7F);
        if (h < 1 || h > 12) return -1;
        return h % 12 + ((v & 0x80) != 0 ? 12 : 0);
    }

    private int encodeHours(int h) {
        if ((ram[REG_B] & B_24_HOUR) != 0) return encode(h);
        int h12 = h % 12 == 0 ? 12 : h % 12;
        return encode(h12) | (h >= 12 ? 0x80 : 0);
    }
}
