package org.jvisor.machine.devices.apic;

import java.util.function.IntConsumer;
import org.jvisor.machine.Clock;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.InterruptController;
import org.jvisor.machine.cpu.system.MsrFile;
import org.jvisor.machine.memory.MmioDevice;

/**
 * The local APIC of a P6 processor (SDM Vol. 3A chapter 10; xAPIC register layout, no x2APIC,
 * APIC bus delivery) for a uniprocessor. It is the processor's interrupt controller: fixed
 * interrupts from its timer, its error entry, self-IPIs and the I/O APIC pass through IRR,
 * ISR and the task/processor priorities (10.8); the 8259A pair is reached through LINT0 in
 * ExtINT mode, the virtual wire of MP specification 3.6.2.2, and is the whole controller once
 * the APIC is globally disabled.
 *
 * <p>Global enable: the APIC follows IA32_APIC_BASE bit 11 of the attached {@link Cpu}. Once
 * it is seen clear, the APIC returns to its power-up state and stays off until reset: the P6
 * 3-wire APIC bus cannot be re-enabled without a hardware reset (10.4.3), so CPUID stops
 * reporting it too. The clear bit is noticed at the next register access or interrupt check.
 * Relocation through the base field is not supported: the registers answer only in the window
 * the machine maps (normally {@link #DEFAULT_BASE}).
 *
 * <p>Not modelled: NMI, SMI, INIT and start-up messages (accepted and dropped), the
 * performance counter entry firing (the counters never count), level-triggered fixed LINT
 * inputs, and APIC bus checksum/accept errors. A message is accepted at once, so delivery
 * status bits read idle. Registers are meant for aligned 32-bit accesses (10.4.1): narrower
 * reads see the addressed bytes, other writes are ignored.
 */
public final class LocalApic implements InterruptController, MmioDevice, ApicBus {
    public static final long DEFAULT_BASE = 0xFEE00000L;
    public static final int WINDOW = 0x1000;
    /** Version register (10.4.8): version 11h (integrated P6 APIC), max LVT entry 4 (five entries). */
    public static final int VERSION = 0x0004_0011;
    /** The timer's input clock, the processor bus (10.5.4). */
    public static final long BUS_HZ = ApicTimer.BUS_HZ;
    /** IA32_APIC_BASE after power-up (10.4.4): base FEE00000H, BSP, globally enabled. */
    public static final long POWER_UP_APIC_BASE = DEFAULT_BASE | MsrFile.APIC_BSP | MsrFile.APIC_ENABLE;

    static final int ID = 0x20, VERSION_REG = 0x30, TPR = 0x80, APR = 0x90, PPR = 0xA0, EOI = 0xB0;
    static final int LDR = 0xD0, DFR = 0xE0, SVR = 0xF0, ISR = 0x100, TMR = 0x180, IRR = 0x200;
    static final int ESR = 0x280, ICR_LOW = 0x300, ICR_HIGH = 0x310;
    static final int INITIAL_COUNT = 0x380, CURRENT_COUNT = 0x390, DIVIDE_CONFIG = 0x3E0;
    /** SVR (10.9): bits 0-3 hardwired to 1 on P6, vector 4-7, APIC software enable 8, focus check 9. */
    static final int SVR_ENABLE = 1 << 8, SVR_WRITABLE = 0x3F0, SVR_HARDWIRED = 0xF;
    /** ESR bits a P6 can report here (10.5.3): illegal vector sent or received. */
    static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5, ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
    /** ICR low (10.6.1): all but delivery status (12) is writable; shorthand in 18-19. */
    static final int ICR_LOW_WRITABLE = 0x000C_CFFF, ICR_LOGICAL = 1 << 11;
    private static final int SHORTHAND_NONE = 0, SHORTHAND_SELF = 1, SHORTHAND_ALL = 2;

    private final InterruptController pic;
    private final ApicTimer timer;
    private final Lvt lvt = new Lvt();
    private final VectorSet irr = new VectorSet(), isr = new VectorSet(), tmr = new VectorSet();
    private IntConsumer eoiListener = vector -> { };
    private Cpu cpu;
    private int id, tpr, ldr, dfr, svr, esr, esrPending, icrLow, icrHigh;
    private boolean globallyDisabled;
    private boolean extIntMessage; // an ExtINT message (from the I/O APIC) waits for its INTA

    /** A local APIC with ID 0 (the bootstrap processor), left in virtual wire mode as firmware does. */
    public LocalApic(Clock clock, InterruptController pic) {
        this.pic = pic;
        this.timer = new ApicTimer(clock);
        reset();
    }

    /** Makes this the processor's interrupt controller and lets CPUID report an APIC. */
    public void attach(Cpu cpu) {
        this.cpu = cpu;
        cpu.pic = this;
        cpu.msrs.localApic = true;
        cpu.apicBase = POWER_UP_APIC_BASE;
    }

    /** Told the vector of each EOI for a level-triggered interrupt (the EOI broadcast, 10.8.5). */
    public void setEoiListener(IntConsumer listener) {
        this.eoiListener = listener;
    }

    /** Machine reset: the power-up state, then what PC firmware does, {@link #enterVirtualWireMode()}. */
    public void reset() {
        resetToPowerUp();
        enterVirtualWireMode();
    }

    /** The state after power-up or RESET (10.4.7.1), with the APIC globally enabled again. */
    public void resetToPowerUp() {
        clearRegisters();
        globallyDisabled = false;
        if (cpu != null) {
            cpu.apicBase = POWER_UP_APIC_BASE;
            cpu.msrs.localApic = true;
        }
    }

    /**
     * Virtual wire mode as firmware sets it up (MP specification 3.6.2.2 and appendix A): the
     * APIC software-enabled with spurious vector FFH, LINT0 ExtINT so the 8259A's INTR reaches
     * the processor, LINT1 NMI. jvisor has no BIOS, so the machine starts this way.
     */
    public void enterVirtualWireMode() {
        writeSvr(0xFF | SVR_ENABLE);
        lvt.write(Lvt.LINT0, ApicBus.EXTINT << 8, true);
        lvt.write(Lvt.LINT1, ApicBus.NMI << 8, true);
    }

    private void clearRegisters() {
        id = tpr = ldr = esr = esrPending = icrLow = icrHigh = 0;
        dfr = 0xFFFF_FFFF;
        svr = 0xFF;
        lvt.reset();
        irr.clear();
        isr.clear();
        tmr.clear();
        timer.reset();
        extIntMessage = false;
    }

    /** IA32_APIC_BASE bit 11 as the attached processor holds it; a clear bit turns the APIC off for good. */
    private boolean globallyEnabled() {
        if (globallyDisabled) return false;
        if (cpu != null && (cpu.apicBase & MsrFile.APIC_ENABLE) == 0) {
            clearRegisters();
            globallyDisabled = true;
            cpu.msrs.localApic = false;
            return false;
        }
        return true;
    }

    private boolean softwareEnabled() {
        return (svr & SVR_ENABLE) != 0;
    }

    // --- priorities (10.8.3) -----------------------------------------------------------------

    /** PPR: the TPR if its class is at least the highest in-service class, else that class. */
    int processorPriority() {
        int isrClass = Math.max(isr.highest(), 0) & 0xF0;
        return (tpr & 0xF0) >= isrClass ? tpr : isrClass;
    }

    /** APR (10.8.3.1 on P6): the TPR unless a request or service class equals or beats it. */
    int arbitrationPriority() {
        int irrClass = Math.max(irr.highest(), 0) & 0xF0, isrClass = Math.max(isr.highest(), 0) & 0xF0;
        int tprClass = tpr & 0xF0;
        if (tprClass >= irrClass && tprClass > isrClass) return tpr;
        return Math.max(tprClass, Math.max(irrClass, isrClass));
    }

    /** The highest requested vector whose priority class beats the PPR, or -1. */
    private int deliverable() {
        if (!softwareEnabled()) return -1; // pending requests are held (10.4.7.2)
        int v = irr.highest();
        return v >= 0 && (v & 0xF0) > (processorPriority() & 0xF0) ? v : -1;
    }

    /** LINT0 as the 8259A's virtual wire, or an ExtINT message waiting. */
    private boolean extIntOpen() {
        return extIntMessage || !lvt.masked(Lvt.LINT0) && lvt.deliveryMode(Lvt.LINT0) == ApicBus.EXTINT;
    }

    // --- the processor's side ----------------------------------------------------------------

    @Override
    public boolean hasInterrupt() {
        if (!globallyEnabled()) return pic.hasInterrupt();
        return deliverable() >= 0 || extIntOpen() && pic.hasInterrupt();
    }

    /**
     * INTA: the best deliverable vector moves from IRR to ISR; else an ExtINT request is
     * answered by the 8259A; else the request vanished and the spurious vector is returned
     * without touching the ISR (10.9).
     */
    @Override
    public int acknowledge() {
        if (!globallyEnabled()) return pic.acknowledge();
        int v = deliverable();
        if (v >= 0) {
            irr.remove(v);
            isr.add(v);
            return v;
        }
        if (extIntOpen() && pic.hasInterrupt()) {
            extIntMessage = false;
            return pic.acknowledge();
        }
        return svr & 0xFF;
    }

    /** EOI (10.8.5): retires the highest in-service vector; level ones are broadcast to the I/O APIC. */
    private void endOfInterrupt() {
        int v = isr.highest();
        if (v < 0) return;
        isr.remove(v);
        if (tmr.contains(v)) eoiListener.accept(v);
    }

    // --- accepting interrupts ----------------------------------------------------------------

    /** A fixed interrupt arriving at the IRR; TMR records its trigger mode (10.8.4). */
    private boolean accept(int vector, boolean level) {
        if (!softwareEnabled()) return false; // only NMI, SMI, INIT and SIPI get through (10.4.7.2)
        if (vector < 16) { // vectors 0-15 are illegal (10.5.2)
            error(ESR_RECEIVE_ILLEGAL_VECTOR);
            return false;
        }
        irr.add(vector);
        tmr.set(vector, level);
        return true;
    }

    /** A message addressed to this APIC, by delivery mode. */
    private boolean receive(int vector, int mode, boolean level) {
        return switch (mode) {
            case ApicBus.FIXED, ApicBus.LOWEST_PRIORITY -> accept(vector, level);
            case ApicBus.EXTINT -> {
                extIntMessage = true;
                yield true;
            }
            default -> true; // NMI, SMI, INIT, start-up: not modelled
        };
    }

    @Override
    public boolean deliver(int vector, int deliveryMode, boolean logical, int destination, boolean level) {
        if (!globallyEnabled() || !addressedBy(logical, destination)) return false;
        return receive(vector, deliveryMode, level);
    }

    /**
     * Destination check (10.6.2): physical IDs are 4 bits on the APIC bus, 0FH broadcasts;
     * logical FFH broadcasts, else the DFR model decides (flat: any common LDR bit; cluster:
     * same cluster in bits 4-7 and a common bit in 0-3).
     */
    boolean addressedBy(boolean logical, int destination) {
        int dest = destination & 0xFF;
        if (!logical) return (dest & 0xF) == 0xF || (dest & 0xF) == (id >>> 24 & 0xF);
        if (dest == 0xFF) return true;
        int logicalId = ldr >>> 24;
        return switch (dfr >>> 28) {
            case 0xF -> (dest & logicalId) != 0;
            case 0x0 -> dest >>> 4 == logicalId >>> 4 && (dest & logicalId & 0xF) != 0;
            default -> false;
        };
    }

    /** Raises a local vector table entry's interrupt (timer, error) if it is unmasked. */
    private void localInterrupt(int entry) {
        if (lvt.masked(entry)) return;
        accept(lvt.vector(entry), false);
    }

    /** Records an error for the ESR and raises the error entry (10.5.3). */
    private void error(int bits) {
        esrPending |= bits;
        if (lvt.masked(Lvt.ERROR) || !softwareEnabled()) return;
        int v = lvt.vector(Lvt.ERROR);
        if (v < 16) {
            esrPending |= ESR_RECEIVE_ILLEGAL_VECTOR; // no second error interrupt for the error entry itself
            return;
        }
        irr.add(v);
        tmr.remove(v);
    }

    // --- timer ---------------------------------------------------------------------------------

    /** Raises the timer interrupt if the count reached zero since the last poll (several coalesce). */
    public void poll() {
        if (globallyEnabled()) pollTimer();
    }

    private void pollTimer() {
        if (timer.expiriesSincePoll() > 0) localInterrupt(Lvt.TIMER);
    }

    /** When the timer next interrupts (possibly already past if not yet polled), or Long.MAX_VALUE. */
    public long nextEventNanos() {
        if (globallyDisabled || lvt.masked(Lvt.TIMER)) return Long.MAX_VALUE;
        return timer.nextExpiryNanos();
    }

    // --- registers (10.4.1, Table 10-1) --------------------------------------------------------

    @Override
    public int read(int offset, int size) {
        if (!globallyEnabled()) return size == 4 ? -1 : (1 << 8 * size) - 1; // nothing decodes the window
        pollTimer();
        int within = offset & 0xF;
        if (within + size > 4) return 0; // bytes 4-15 of each 16-byte slot are reserved
        int v = readRegister(offset & ~0xF) >>> 8 * within;
        return size == 4 ? v : v & (1 << 8 * size) - 1;
    }

    private int readRegister(int reg) {
        return switch (reg) {
            case ID -> id;
            case VERSION_REG -> VERSION;
            case TPR -> tpr;
            case APR -> arbitrationPriority();
            case PPR -> processorPriority();
            case LDR -> ldr;
            case DFR -> dfr;
            case SVR -> svr;
            case ESR -> esr;
            case ICR_LOW -> icrLow;
            case ICR_HIGH -> icrHigh;
            case INITIAL_COUNT -> timer.initialCount();
            case CURRENT_COUNT -> timer.currentCount();
            case DIVIDE_CONFIG -> timer.divideConfig();
            default -> readTable(reg);
        };
    }

    /** ISR, TMR, IRR (eight registers each) and the LVT; everything else reads 0 (EOI included). */
    private int readTable(int reg) {
        if (reg >= ISR && reg < ISR + 0x80) return isr.word((reg - ISR) >>> 4);
        if (reg >= TMR && reg < TMR + 0x80) return tmr.word((reg - TMR) >>> 4);
        if (reg >= IRR && reg < IRR + 0x80) return irr.word((reg - IRR) >>> 4);
        int entry = Lvt.indexOf(reg);
        return entry < 0 ? 0 : lvt.get(entry);
    }

    @Override
    public void write(int offset, int size, int value) {
        if (!globallyEnabled() || size != 4 || (offset & 0xF) != 0) return;
        pollTimer(); // expiries so far count under the old settings
        switch (offset) {
            case ID -> id = value & 0x0F00_0000; // a 4-bit APIC ID on P6 (10.4.6)
            case TPR -> tpr = value & 0xFF;
            case EOI -> endOfInterrupt();
            case LDR -> ldr = value & 0xFF00_0000;
            case DFR -> dfr = value | 0x0FFF_FFFF; // bits 0-27 read as ones
            case SVR -> writeSvr(value);
            case ESR -> { // write-before-read: the write latches errors seen since the last one
                esr = esrPending;
                esrPending = 0;
            }
            case ICR_LOW -> sendIpi(value);
            case ICR_HIGH -> icrHigh = value & 0xFF00_0000;
            case INITIAL_COUNT -> timer.writeInitialCount(value);
            case DIVIDE_CONFIG -> timer.writeDivideConfig(value);
            default -> writeLvt(offset, value); // read-only and reserved registers ignore writes
        }
    }

    private void writeSvr(int value) {
        svr = value & SVR_WRITABLE | SVR_HARDWIRED;
        if (!softwareEnabled()) lvt.maskAll();
    }

    private void writeLvt(int offset, int value) {
        int entry = Lvt.indexOf(offset);
        if (entry < 0) return;
        lvt.write(entry, value, softwareEnabled());
        if (entry == Lvt.TIMER) timer.setPeriodic((value & Lvt.PERIODIC) != 0);
    }

    /**
     * Writing ICR low sends the IPI (10.6.1). Only this processor can be reached: the self and
     * all-including-self shorthands, or a destination that addresses it.
     */
    private void sendIpi(int value) {
        icrLow = value & ICR_LOW_WRITABLE;
        int vector = icrLow & 0xFF, mode = icrLow >>> 8 & 7, shorthand = icrLow >>> 18 & 3;
        if ((mode == ApicBus.FIXED || mode == ApicBus.LOWEST_PRIORITY) && vector < 16) {
            error(ESR_SEND_ILLEGAL_VECTOR);
            return;
        }
        boolean toSelf = switch (shorthand) {
            case SHORTHAND_NONE -> addressedBy((icrLow & ICR_LOGICAL) != 0, icrHigh >>> 24);
            case SHORTHAND_SELF, SHORTHAND_ALL -> true;
            default -> false; // all excluding self: there is nobody else
        };
        if (toSelf) receive(vector, mode, false); // fixed IPIs are edge-triggered
    }

    // --- for tests and debugging -------------------------------------------------------------

    /** Whether the APIC has been turned off through IA32_APIC_BASE (until reset). */
    public boolean isGloballyDisabled() {
        return globallyDisabled;
    }
}
