package org.jvisor.machine.devices;

import java.util.function.IntConsumer;
import org.jvisor.machine.memory.PortDevice;

/**
 * A National Semiconductor PC16550D UART (8 ports, COM1 at 0x3F8). Transmission is
 * instant: a byte written to THR goes to the output sink and THR is empty again at once.
 * Received bytes wait in a host-side queue and appear in RBR as the guest reads them.
 * Register numbers and bits follow the PC16550D datasheet, Table II.
 */
public final class Uart16550 implements PortDevice {
    public static final int RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

    public static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    public static final int IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04, IER_MS = 0x08;
    public static final int IIR_NONE = 0x01, IIR_MS = 0x00, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_RLS = 0x06;
    public static final int IIR_TIMEOUT = 0x0C, IIR_FIFO = 0xC0;
    public static final int LCR_DLAB = 0x80;
    public static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;

    private static final int QUEUE = 1 << 16;
    private static final int[] TRIGGER = {1, 4, 8, 14};

    private final IntConsumer sink;
    private final IrqLine irq;
    private final int[] rx = new int[QUEUE];
    private int rxHead, rxCount;
    private int ier, lcr, mcr, scr, dll, dlm, fcr;
    private int lsrErrors, msrDeltas;
    private boolean thrInterrupt;
    private boolean irqAsserted;

    /** @param sink receives each transmitted byte (0-255) */
    public Uart16550(IntConsumer sink, IrqLine irq) {
        this.sink = sink;
        this.irq = irq;
        reset();
    }

    /** Master reset (datasheet Table IV): everything cleared, divisor latch kept at 0. */
    public void reset() {
        ier = lcr = mcr = fcr = 0;
        lsrErrors = msrDeltas = 0;
        rxHead = rxCount = 0;
        thrInterrupt = false;
        updateIrq();
    }

    /** Queues bytes from the host side (a console) for the guest to receive. */
    public void receive(byte[] data) {
        for (byte b : data) receive(b & 0xFF);
    }

    public void receive(int b) {
        if (rxCount == QUEUE) {
            lsrErrors |= LSR_OE; // the host overran even the host-side queue
        } else {
            rx[(rxHead + rxCount++) & (QUEUE - 1)] = b & 0xFF;
        }
        updateIrq();
    }

    /** How many more host bytes {@link #receive} can queue without an overrun. */
    public int receiveRoom() {
        return QUEUE - rxCount;
    }

    /** The baud-rate divisor programmed through the divisor latch (DLAB=1). */
    public int divisor() {
        return dlm << 8 | dll;
    }

    @Override
    public int read(int offset, int size) {
        int v = readRegister(offset & 7);
        return size == 1 ? v : v | (size == 2 ? 0xFF00 : 0xFFFFFF00);
    }

    @Override
    public void write(int offset, int size, int value) {
        writeRegister(offset & 7, value & 0xFF);
    }

    private int readRegister(int reg) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (reg) {
            case RBR_THR: return dlab ? dll : readRbr();
            case IER: return dlab ? dlm : ier;
            case IIR_FCR: return readIir();
            case LCR: return lcr;
            case MCR: return mcr;
            case LSR: return readLsr();
            case MSR: return readMsr();
            default: return scr;
        }
    }

    private void writeRegister(int reg, int v) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (reg) {
            case RBR_THR -> {
                if (dlab) dll = v; else transmit(v);
            }
            case IER -> {
                if (dlab) {
                    dlm = v;
                } else {
                    // Enabling the THRE interrupt while THR is empty raises it at once (datasheet 8.4).
                    if ((v & IER_THRE) != 0 && (ier & IER_THRE) == 0) thrInterrupt = true;
                    ier = v & 0x0F;
                }
            }
            case IIR_FCR -> writeFcr(v);
            case LCR -> lcr = v;
            case MCR -> writeMcr(v & 0x1F);
            case LSR, MSR -> { } // factory test registers: writes ignored
            default -> scr = v;
        }
        updateIrq();
    }

    private void transmit(int v) {
        if ((mcr & MCR_LOOP) != 0) {
            receive(v); // loopback: the transmitter feeds the receiver (datasheet 8.6)
        } else {
            sink.accept(v);
        }
        thrInterrupt = true;
    }

    private int readRbr() {
        if (rxCount == 0) return 0;
        int v = rx[rxHead];
        rxHead = (rxHead + 1) & (QUEUE - 1);
        rxCount--;
        updateIrq();
        return v;
    }

    private int readLsr() {
        int v = LSR_THRE | LSR_TEMT | lsrErrors | (rxCount > 0 ? LSR_DR : 0);
        lsrErrors = 0; // reading LSR clears the error bits 1-4
        updateIrq();
        return v;
    }

    private int readMsr() {
        int v = readMsrLines(mcr) | msrDeltas;
        msrDeltas = 0;
        updateIrq();
        return v;
    }

    private void writeMcr(int v) {
        int before = readMsrLines(mcr);
        mcr = v;
        int after = readMsrLines(mcr);
        int changed = before ^ after;
        // Delta bits: DCTS(0) DDSR(1) TERI(2: RI trailing edge) DDCD(3).
        if ((changed & 0x10) != 0) msrDeltas |= 0x01;
        if ((changed & 0x20) != 0) msrDeltas |= 0x02;
        if ((before & 0x40) != 0 && (after & 0x40) == 0) msrDeltas |= 0x04;
        if ((changed & 0x80) != 0) msrDeltas |= 0x08;
    }

    /** MSR bits 4-7. Loopback: CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2 (datasheet 8.6); else a connected modem. */
    private static int readMsrLines(int mcr) {
        if ((mcr & MCR_LOOP) == 0) return 0xB0;
        return (mcr & MCR_RTS) << 3 | (mcr & MCR_DTR) << 5 | (mcr & MCR_OUT1) << 4 | (mcr & MCR_OUT2) << 4;
    }

    private void writeFcr(int v) {
        boolean wasEnabled = (fcr & 1) != 0;
        if ((v & 1) == 0) {
            fcr = 0;
        } else {
            fcr = v & 0xC9; // enable, DMA mode, trigger level; bits 1-2 self-clear
        }
        // Clearing the receiver FIFO (FCR bit 1), or changing the FIFO mode, drops what it holds.
        if ((v & 0x02) != 0 || wasEnabled != ((fcr & 1) != 0)) {
            rxHead = rxCount = 0;
        }
    }

    private int readIir() {
        int id = interruptId();
        if (id == IIR_THRE) thrInterrupt = false; // reading IIR with THRE as the source clears it
        updateIrq();
        return id | ((fcr & 1) != 0 ? IIR_FIFO : 0);
    }

    /** Highest-priority pending interrupt (datasheet Table IV), or IIR_NONE. */
    private int interruptId() {
        if ((ier & IER_RLS) != 0 && lsrErrors != 0) return IIR_RLS;
        if ((ier & IER_RDA) != 0 && rxCount > 0) {
            boolean fifo = (fcr & 1) != 0;
            return !fifo || rxCount >= TRIGGER[fcr >>> 6] ? IIR_RDA : IIR_TIMEOUT;
        }
        if ((ier & IER_THRE) != 0 && thrInterrupt) return IIR_THRE;
        if ((ier & IER_MS) != 0 && msrDeltas != 0) return IIR_MS;
        return IIR_NONE;
    }

    /** On a PC the INTR output reaches the PIC only through the OUT2 gate. */
    private void updateIrq() {
        boolean level = interruptId() != IIR_NONE && (mcr & MCR_OUT2) != 0;
        if (level != irqAsserted) {
            irqAsserted = level;
            irq.set(level);
        }
    }
}
