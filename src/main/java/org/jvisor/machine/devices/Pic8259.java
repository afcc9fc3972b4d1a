package org.jvisor.machine.devices;

/**
 * One Intel 8259A programmable interrupt controller (datasheet 231468: ICW1-ICW4, OCW1-OCW3,
 * IRR/ISR/IMR, edge and level sensing, fully nested priority with rotation, AEOI, special
 * mask mode, poll mode). Register access only; the pair in {@link PicPair} wires cascading
 * and the processor's INTR line.
 */
final class Pic8259 {
    int irr, isr, imr;
    /** Input pin levels, for edge detection. */
    private int lines;
    /** Level-triggered inputs: ICW1.LTIM for all, or per pin from the PC's ELCR. */
    int levelMask;
    private boolean ltim;
    int vectorBase;
    /** The lowest-priority input; priority runs from lowest+1 (highest) round to lowest. */
    private int lowest = 7;
    private boolean autoEoi, rotateOnAutoEoi, specialMask, poll, readIsr, singleMode;
    private int initStep; // 0 = ready; 2, 3, 4 = expecting that ICW
    private boolean needIcw4;
    /** ICW3: on the master the inputs with a slave; on a slave its cascade identity. */
    int icw3;

    void reset() {
        irr = isr = imr = lines = 0;
        lowest = 7;
        autoEoi = rotateOnAutoEoi = specialMask = poll = readIsr = singleMode = ltim = false;
        initStep = 0;
        vectorBase = 0;
    }

    /** Drives input pin {@code n}. Edge mode latches a rising edge; level mode follows the pin. */
    void setInput(int n, boolean high) {
        int bit = 1 << n;
        boolean wasHigh = (lines & bit) != 0;
        if (high) {
            lines |= bit;
            if (isLevel(n) || !wasHigh) irr |= bit;
        } else {
            lines &= ~bit;
            if (isLevel(n)) irr &= ~bit; // a level request withdrawn before INTA is lost (datasheet)
        }
    }

    private boolean isLevel(int n) {
        return ltim || (levelMask & (1 << n)) != 0;
    }

    /** Priority of input n: 0 is highest. */
    private int priority(int n) {
        return (n - lowest - 1) & 7;
    }

    /** The input that would be serviced now, or -1 (fully nested mode, special mask mode). */
    int pending() {
        int requests = irr & ~imr;
        if (requests == 0) return -1;
        int best = highest(requests);
        int inService = specialMask ? isr & ~imr : isr;
        if (inService != 0 && priority(highest(inService)) <= priority(best)) return -1;
        return best;
    }

    private int highest(int bits) {
        for (int p = 0; p < 8; p++) {
            int n = (lowest + 1 + p) & 7;
            if ((bits & (1 << n)) != 0) return n;
        }
        return -1;
    }

    /** INTA: moves the request to in-service and returns the input, or 7 for a spurious request. */
    int acknowledge() {
        int n = pending();
        if (n < 0) return 7; // spurious IR7: ISR untouched (datasheet, "Interrupt Sequence")
        int bit = 1 << n;
        if (!isLevel(n)) irr &= ~bit;
        if (autoEoi) {
            if (rotateOnAutoEoi) lowest = n;
        } else {
            isr |= bit;
        }
        return n;
    }

    int read(int a0) {
        if (poll) { // poll command: acknowledges like INTA; bit 7 = request present
            poll = false;
            int n = pending();
            if (n < 0) return 0;
            acknowledge();
            return 0x80 | n;
        }
        if (a0 == 1) return imr;
        return readIsr ? isr : irr;
    }

    void write(int a0, int v) {
        v &= 0xFF;
        if (a0 == 0 && (v & 0x10) != 0) {
            icw1(v);
        } else if (a0 == 1 && initStep != 0) {
            icwNext(v);
        } else if (a0 == 1) {
            imr = v; // OCW1
        } else if ((v & 0x08) == 0) {
            ocw2(v);
        } else {
            ocw3(v);
        }
    }

    private void icw1(int v) {
        // ICW1 clears IMR and ISR, resets priority, special mask and the read register (datasheet).
        imr = isr = 0;
        irr &= lines; // edge latches restart
        lowest = 7;
        specialMask = poll = readIsr = autoEoi = rotateOnAutoEoi = false;
        ltim = (v & 0x08) != 0;
        singleMode = (v & 0x02) != 0;
        needIcw4 = (v & 0x01) != 0;
        initStep = 2;
    }

    private void icwNext(int v) {
        switch (initStep) {
            case 2 -> {
                vectorBase = v & 0xF8; // 8086 mode: T7-T3
                initStep = singleMode ? (needIcw4 ? 4 : 0) : 3;
            }
            case 3 -> {
                icw3 = v;
                initStep = needIcw4 ? 4 : 0;
            }
            default -> {
                autoEoi = (v & 0x02) != 0;
                initStep = 0;
            }
        }
    }

    private void ocw2(int v) {
        int level = v & 7;
        switch (v >>> 5) {
            case 1 -> eoi(highest(isr), false);     // non-specific EOI
            case 3 -> eoi(level, false);            // specific EOI
            case 5 -> eoi(highest(isr), true);      // rotate on non-specific EOI
            case 7 -> eoi(level, true);             // rotate on specific EOI
            case 4 -> rotateOnAutoEoi = true;
            case 0 -> rotateOnAutoEoi = false;
            case 6 -> lowest = level;               // set priority
            default -> { }                          // 2: no operation
        }
    }

    private void eoi(int n, boolean rotate) {
        if (n < 0) return;
        isr &= ~(1 << n);
        if (rotate) lowest = n;
    }

    private void ocw3(int v) {
        if ((v & 0x40) != 0) specialMask = (v & 0x20) != 0;
        if ((v & 0x04) != 0) poll = true;
        if ((v & 0x02) != 0) readIsr = (v & 0x01) != 0;
    }
}
