package org.jvisor.machine.devices.ata;

import static org.jvisor.machine.devices.ata.Ata.*;

import org.jvisor.machine.devices.IrqLine;
import org.jvisor.machine.memory.PortDevice;

/**
 * One ATA channel (ATA/ATAPI-6 clause 7): the command block (8 ports), the control block
 * (one port: Alternate Status / Device Control), the shared task-file registers, up to two
 * drives and the channel's interrupt line.
 *
 * <p>Wiring on a PC: primary at {@link #PRIMARY_COMMAND}/{@link #PRIMARY_CONTROL} on IRQ 14,
 * secondary at {@link #SECONDARY_COMMAND}/{@link #SECONDARY_CONTROL} on IRQ 15:
 * <pre>
 *   AtaChannel ch = new AtaChannel(irq14, new AtaDrive(DiskImage.open(path, false)), null);
 *   ports.register(AtaChannel.PRIMARY_COMMAND, AtaChannel.COMMAND_PORTS, ch.commandBlock());
 *   ports.register(AtaChannel.PRIMARY_CONTROL, AtaChannel.CONTROL_PORTS, ch.controlBlock());
 * </pre>
 *
 * <p>Interrupt: the line is high while the selected drive has INTRQ pending and nIEN is
 * clear, low otherwise; reading Status clears the pending interrupt, reading Alternate
 * Status does not (clause 7, Status and Alternate Status). Choices where the standard leaves room, as QEMU and common
 * hardware behave: a selected drive that is absent reads Status and Alternate Status as 00h
 * (Linux and SeaBIOS then see no device), Error as 00h, and ignores commands; a channel
 * with no drive at all reads FFh everywhere (a floating bus). Byte accesses to the data
 * port are ignored (reads give FFh); 32-bit accesses move two words, low word first.
 */
public final class AtaChannel implements AutoCloseable {
    public static final int PRIMARY_COMMAND = 0x1F0, PRIMARY_CONTROL = 0x3F6, PRIMARY_IRQ = 14;
    public static final int SECONDARY_COMMAND = 0x170, SECONDARY_CONTROL = 0x376, SECONDARY_IRQ = 15;
    public static final int COMMAND_PORTS = 8, CONTROL_PORTS = 1;

    private final AtaDrive[] drives = new AtaDrive[2];
    private final TaskFile tf = new TaskFile();
    private final IrqLine irq;
    private final PortDevice commandBlock = new CommandBlock();
    private final PortDevice controlBlock = new ControlBlock();
    private int control;
    private boolean irqLevel;

    /** @param master drive 0 or null; @param slave drive 1 or null */
    public AtaChannel(IrqLine irq, AtaDrive master, AtaDrive slave) {
        this.irq = irq;
        drives[0] = master;
        drives[1] = slave;
        for (AtaDrive d : drives) if (d != null) d.attach(tf);
        reset();
    }

    /** Ports base+0 .. base+7: Data, Error/Features, Sector Count, LBA Low/Mid/High, Device, Status/Command. */
    public PortDevice commandBlock() {
        return commandBlock;
    }

    /** Port base+0 of the control block: Alternate Status (read) / Device Control (write). */
    public PortDevice controlBlock() {
        return controlBlock;
    }

    /** Drive 0 (master) or 1 (slave), or null if absent. */
    public AtaDrive drive(int unit) {
        return drives[unit];
    }

    /** Hardware reset (RESET-, 9.1): power-on settings, signature in the registers, drive 0 selected. */
    public void reset() {
        control = 0;
        for (AtaDrive d : drives) if (d != null) d.powerOn();
        tf.loadSignature();
        updateIrq();
    }

    /** Closes every drive's image, forcing written data to storage; the first failure is rethrown. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (AtaDrive d : drives) {
            if (d == null) continue;
            try {
                d.image().close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
            }
        }
        if (failure != null) throw failure;
    }

    private boolean empty() {
        return drives[0] == null && drives[1] == null;
    }

    private AtaDrive selected() {
        return drives[tf.selectedUnit()];
    }

    private boolean inReset() {
        return (control & CTL_SRST) != 0;
    }

    /** Status as the selected drive presents it: 00h if absent, BSY while SRST is held. */
    private int status() {
        AtaDrive d = selected();
        if (d == null) return 0;
        return inReset() ? BSY : d.status;
    }

    private void updateIrq() {
        AtaDrive d = selected();
        boolean level = (control & CTL_NIEN) == 0 && d != null && d.intrq && !inReset();
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }

    private int readCommandBlock(int reg, int size) {
        if (empty()) return size == 4 ? -1 : (1 << (8 * size)) - 1;
        AtaDrive d = selected();
        boolean hob = (control & CTL_HOB) != 0;
        return switch (reg) {
            case DATA -> readData(d, size);
            case ERROR_FEATURES -> d == null ? 0 : d.error;
            case COUNT -> hob ? tf.countPrev : tf.count;
            case LBA_LOW -> hob ? tf.lbaLowPrev : tf.lbaLow;
            case LBA_MID -> hob ? tf.lbaMidPrev : tf.lbaMid;
            case LBA_HIGH -> hob ? tf.lbaHighPrev : tf.lbaHigh;
            case DEVICE -> tf.device;
            default -> {
                int s = status();
                if (d != null && !inReset()) d.intrq = false;  // reading Status acknowledges INTRQ (clause 7, Status)
                yield s;
            }
        };
    }

    private int readData(AtaDrive d, int size) {
        if (d == null || inReset() || size == 1) return size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1;
        int lo = d.readData();
        return size == 2 ? lo : lo | d.readData() << 16;
    }

    private void writeCommandBlock(int reg, int size, int v) {
        if (empty()) return;
        control &= ~CTL_HOB;  // any command block write clears HOB (clause 7, Device Control)
        int b = v & 0xFF;
        switch (reg) {
            case DATA -> writeData(size, v);
            case ERROR_FEATURES -> tf.writeFeatures(b);
            case COUNT -> tf.writeCount(b);
            case LBA_LOW -> tf.writeLbaLow(b);
            case LBA_MID -> tf.writeLbaMid(b);
            case LBA_HIGH -> tf.writeLbaHigh(b);
            case DEVICE -> tf.device = b;
            default -> command(b);
        }
    }

    private void writeData(int size, int v) {
        AtaDrive d = selected();
        if (d == null || inReset() || size == 1) return;
        d.writeData(v & 0xFFFF);
        if (size == 4) d.writeData(v >>> 16);
    }

    /** A write to the Command register; ignored during SRST and by an absent drive. */
    private void command(int code) {
        if (inReset()) return;
        if (code == EXECUTE_DIAGNOSTIC) {
            executeDiagnostic();
            return;
        }
        AtaDrive d = selected();
        if (d != null) d.execute(code);
    }

    /**
     * EXECUTE DEVICE DIAGNOSTIC: addressed to both drives whichever is selected; both
     * report "passed" (Error 01h), the signature is loaded, drive 0 is selected and drive 0
     * raises the interrupt (9.10).
     */
    private void executeDiagnostic() {
        if (drives[0] == null) return;  // only drive 1 present: nothing answers for drive 0
        for (AtaDrive d : drives) if (d != null) d.softReset();
        tf.loadSignature();
        drives[0].intrq = true;
    }

    /**
     * Device Control (clause 7): nIEN masks INTRQ; SRST set holds both drives in reset,
     * clearing it completes the reset (software reset protocol, clause 9).
     */
    private void writeControl(int v) {
        if (empty()) return;
        boolean wasReset = inReset();
        control = v & (CTL_HOB | CTL_SRST | CTL_NIEN);
        if (wasReset && !inReset()) {
            for (AtaDrive d : drives) if (d != null) d.softReset();
            tf.loadSignature();
        }
    }

    private final class CommandBlock implements PortDevice {
        @Override
        public int read(int offset, int size) {
            int v = readCommandBlock(offset & 7, size);
            updateIrq();
            return v;
        }

        @Override
        public void write(int offset, int size, int value) {
            writeCommandBlock(offset & 7, size, value);
            updateIrq();
        }
    }

    private final class ControlBlock implements PortDevice {
        @Override
        public int read(int offset, int size) {
            if (empty()) return size == 4 ? -1 : (1 << (8 * size)) - 1;
            return status();  // Alternate Status: the same bits, INTRQ left pending (clause 7, Alternate Status)
        }

        @Override
        public void write(int offset, int size, int value) {
            writeControl(value);
            updateIrq();
        }
    }
}
