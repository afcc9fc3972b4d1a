package org.jvisor.machine.devices.ata;

import static org.jvisor.machine.devices.ata.Ata.*;

import java.io.IOException;

/**
 * One ATA hard disk (a non-PACKET device) on a raw image: its status and error registers,
 * its pending interrupt (INTRQ), settings (multiple count, CHS translation, write cache,
 * power mode) and the PIO data-in / data-out protocols (ATA/ATAPI-6 clause 9). Commands
 * run to completion at once; only the data transfer spans several port accesses.
 *
 * <p>Guest errors never escape as Java exceptions: a bad address ends the command with ERR
 * and IDNF, a write to a read-only image or an unsupported command with ERR and ABRT, a
 * failing host read with ERR and UNC.
 */
public final class AtaDrive {
    static final int DEFAULT_HEADS = 16, DEFAULT_SECTORS = 63;
    private static final int CHS = 0, LBA28 = 1, LBA48 = 2;
    private static final int IDLE_BUS = 0, PIO_IN = 1, PIO_OUT = 2;

    private final DiskImage image;
    private final String serial;
    private final String model;
    private final String firmware;
    private TaskFile tf = new TaskFile();

    int status, error;
    boolean intrq;

    private int multiple, heads, sectorsPerTrack;
    private boolean writeCache, standby;
    private IOException hostError;

    private final byte[] buffer = new byte[MAX_MULTIPLE * SECTOR];
    private int transfer, pos, len, form, blockSectors, remaining;
    private long nextLba;

    /** A drive named "JVISOR HARDDISK" with the given serial number (up to 20 characters). */
    public AtaDrive(DiskImage image, String serial) {
        this(image, serial, "JVISOR HARDDISK", "1.0");
    }

    public AtaDrive(DiskImage image, String serial, String model, String firmware) {
        this.image = image;
        this.serial = serial;
        this.model = model;
        this.firmware = firmware;
        powerOn();
    }

    /** A drive whose serial number is derived from the image's file name. */
    public AtaDrive(DiskImage image) {
        this(image, String.format("JV%08X", image.path().toAbsolutePath().toString().hashCode()));
    }

    public DiskImage image() {
        return image;
    }

    /** The last host I/O failure the guest saw as an error, or null. */
    public IOException hostError() {
        return hostError;
    }

    void attach(TaskFile registers) {
        this.tf = registers;
    }

    /** Power-on or hardware reset: settings back to their defaults, then as after a soft reset. */
    void powerOn() {
        multiple = MAX_MULTIPLE;
        heads = DEFAULT_HEADS;
        sectorsPerTrack = DEFAULT_SECTORS;
        writeCache = true;
        standby = false;
        softReset();
    }

    /** SRST or EXECUTE DEVICE DIAGNOSTIC (clause 9, software reset; 9.10): abandon any command, report "passed". */
    void softReset() {
        transfer = IDLE_BUS;
        status = READY;
        error = DIAG_PASSED;
        intrq = false;
    }

    long capacity() {
        return image.sectors();
    }

    String serial() {
        return serial;
    }

    String model() {
        return model;
    }

    String firmware() {
        return firmware;
    }

    int heads() {
        return heads;
    }

    int sectorsPerTrack() {
        return sectorsPerTrack;
    }

    int multipleCount() {
        return multiple;
    }

    boolean writeCacheEnabled() {
        return writeCache;
    }

    /** Default-geometry cylinders (IDENTIFY word 1): capped at 16383 as the standard's Annex asks. */
    int defaultCylinders() {
        return (int) Math.max(1, Math.min(capacity() / (DEFAULT_HEADS * DEFAULT_SECTORS), 16383));
    }

    /** Cylinders of the current CHS translation (word 54). */
    int currentCylinders() {
        return (int) Math.min(capacity() / ((long) heads * sectorsPerTrack), 65535);
    }

    /** Starts a command written to the Command register. */
    void execute(int command) {
        transfer = IDLE_BUS;
        error = 0;
        switch (command) {
            case IDENTIFY -> identify();
            case READ_SECTORS, READ_SECTORS_NORETRY -> dataIn(form28(), tf.count28(), 1);
            case READ_SECTORS_EXT -> dataIn(LBA48, tf.count48(), 1);
            case READ_MULTIPLE -> multiple(true, form28(), tf.count28());
            case READ_MULTIPLE_EXT -> multiple(true, LBA48, tf.count48());
            case WRITE_SECTORS, WRITE_SECTORS_NORETRY -> dataOut(form28(), tf.count28(), 1);
            case WRITE_SECTORS_EXT -> dataOut(LBA48, tf.count48(), 1);
            case WRITE_MULTIPLE -> multiple(false, form28(), tf.count28());
            case WRITE_MULTIPLE_EXT -> multiple(false, LBA48, tf.count48());
            case READ_VERIFY, READ_VERIFY_NORETRY -> verify(form28(), tf.count28());
            case READ_VERIFY_EXT -> verify(LBA48, tf.count48());
            case SET_MULTIPLE -> setMultiple(tf.count);
            case INITIALIZE_PARAMETERS -> initializeParameters();
            case FLUSH_CACHE, FLUSH_CACHE_EXT -> flushCache();
            case SET_FEATURES -> setFeatures();
            case CHECK_POWER_MODE -> checkPowerMode();
            case STANDBY_IMMEDIATE, STANDBY, SLEEP -> powerMode(true);
            case IDLE_IMMEDIATE, IDLE -> powerMode(false);
            default -> {
                // RECALIBRATE (10h-1Fh, obsolete) completes at once; the rest, including NOP,
                // DEVICE RESET, PACKET and IDENTIFY PACKET DEVICE, are not for this device: ABRT.
                if ((command & 0xF0) == RECALIBRATE) complete();
                else abort();
            }
        }
    }

    /** Reads one word from the data port; outside a data-in transfer the bus floats. */
    int readData() {
        if (transfer != PIO_IN) return 0xFFFF;
        int v = buffer[pos] & 0xFF | (buffer[pos + 1] & 0xFF) << 8;
        pos += 2;
        if (pos == len) {
            if (remaining > 0) loadBlock();
            else endTransfer();  // the last block raises no interrupt (PIO data-in protocol)
        }
        return v;
    }

    /** Writes one word to the data port; ignored outside a data-out transfer. */
    void writeData(int v) {
        if (transfer != PIO_OUT) return;
        buffer[pos] = (byte) v;
        buffer[pos + 1] = (byte) (v >>> 8);
        pos += 2;
        if (pos == len) storeBlock();
    }

    // ---- command implementations -------------------------------------------------------

    private int form28() {
        return tf.lbaMode() ? LBA28 : CHS;
    }

    /** IDENTIFY DEVICE (8.15): one 512-byte data-in block. */
    private void identify() {
        int[] words = AtaIdentify.build(this);
        for (int i = 0; i < 256; i++) {
            buffer[2 * i] = (byte) words[i];
            buffer[2 * i + 1] = (byte) (words[i] >>> 8);
        }
        transfer = PIO_IN;
        pos = 0;
        len = SECTOR;
        remaining = 0;
        status = READY | DRQ;
        intrq = true;
    }

    /** READ/WRITE MULTIPLE (and EXT): DRQ blocks of the current multiple count; abort if disabled. */
    private void multiple(boolean read, int addressForm, int count) {
        if (multiple == 0) {
            abort();
        } else if (read) {
            dataIn(addressForm, count, multiple);
        } else {
            dataOut(addressForm, count, multiple);
        }
    }

    /** PIO data-in protocol (clause 9): each block ready sets DRQ and raises INTRQ. */
    private void dataIn(int addressForm, int count, int block) {
        long lba = startLba(addressForm, count);
        if (lba < 0) return;
        begin(addressForm, lba, count, block);
        transfer = PIO_IN;
        loadBlock();
    }

    /** PIO data-out protocol (clause 9): DRQ at once for the first block, INTRQ after each block written. */
    private void dataOut(int addressForm, int count, int block) {
        if (image.readOnly()) {
            abort();  // a write-protected image: the guest sees ABRT, nothing reaches the file
            return;
        }
        long lba = startLba(addressForm, count);
        if (lba < 0) return;
        begin(addressForm, lba, count, block);
        transfer = PIO_OUT;
        pos = 0;
        len = Math.min(blockSectors, remaining) * SECTOR;
        status = READY | DRQ;
    }

    private void begin(int addressForm, long lba, int count, int block) {
        form = addressForm;
        nextLba = lba;
        remaining = count;
        blockSectors = block;
        standby = false;
    }

    private void loadBlock() {
        int n = Math.min(blockSectors, remaining);
        try {
            image.read(nextLba, buffer, 0, n);
        } catch (IOException e) {
            hostError = e;
            fail(UNC, nextLba);
            return;
        }
        nextLba += n;
        remaining -= n;
        pos = 0;
        len = n * SECTOR;
        status = READY | DRQ;
        intrq = true;
    }

    private void storeBlock() {
        int n = len / SECTOR;
        try {
            image.write(nextLba, buffer, 0, n);
            if (!writeCache) image.flush();  // write cache disabled: data must be on the medium
        } catch (IOException e) {
            hostError = e;
            fail(ABRT, nextLba);
            return;
        }
        nextLba += n;
        remaining -= n;
        intrq = true;
        if (remaining == 0) {
            endTransfer();
            return;
        }
        pos = 0;
        len = Math.min(blockSectors, remaining) * SECTOR;
        status = READY | DRQ;
    }

    private void endTransfer() {
        transfer = IDLE_BUS;
        status = READY;
    }

    /** READ VERIFY SECTORS (and EXT): checks the address range, transfers nothing. */
    private void verify(int addressForm, int count) {
        if (startLba(addressForm, count) < 0) return;
        standby = false;
        complete();
    }

    /** SET MULTIPLE MODE (8.39): 0 disables; otherwise a power of two up to word 47's maximum. */
    private void setMultiple(int count) {
        if (count > MAX_MULTIPLE || Integer.bitCount(count) > 1) {
            abort();
            return;
        }
        multiple = count;
        complete();
    }

    /** INITIALIZE DEVICE PARAMETERS (8.16): logical sectors per track and heads for CHS. */
    private void initializeParameters() {
        if (tf.count == 0) {
            abort();
            return;
        }
        sectorsPerTrack = tf.count;
        heads = tf.head() + 1;
        complete();
    }

    /** FLUSH CACHE and FLUSH CACHE EXT: force written data to the host's storage. */
    private void flushCache() {
        try {
            image.flush();
        } catch (IOException e) {
            hostError = e;
            fail(ABRT, -1);
            return;
        }
        complete();
    }

    /** SET FEATURES (8.36): write cache, PIO transfer modes, look-ahead, revert defaults. */
    private void setFeatures() {
        switch (tf.features) {
            case SF_ENABLE_WCACHE -> writeCache = true;
            case SF_DISABLE_WCACHE -> writeCache = false;
            case SF_TRANSFER_MODE -> {
                if (!pioMode(tf.count)) {
                    abort();
                    return;
                }
            }
            case SF_ENABLE_LOOKAHEAD, SF_DISABLE_LOOKAHEAD, SF_ENABLE_REVERT, SF_DISABLE_REVERT -> { }
            default -> {
                abort();
                return;
            }
        }
        complete();
    }

    /** Transfer mode values (Table 32): PIO default (00h, 01h) and PIO flow control modes 0-4 (08h-0Ch). */
    private static boolean pioMode(int value) {
        return value <= 0x01 || value >= 0x08 && value <= 0x0C;
    }

    /** CHECK POWER MODE: Sector Count 00h in standby, FFh when active or idle. */
    private void checkPowerMode() {
        tf.count = standby ? 0x00 : 0xFF;
        complete();
    }

    private void powerMode(boolean toStandby) {
        standby = toStandby;
        complete();
    }

    // ---- addressing ----------------------------------------------------------------------

    /**
     * The first sector of a transfer, or -1 after ending the command with IDNF (ID not found)
     * when the range does not fit the addressable capacity. The address check is made
     * up front, so no sector of an out-of-range request is transferred.
     */
    private long startLba(int addressForm, int count) {
        long lba = addressForm == LBA48 ? tf.lba48() : addressForm == LBA28 ? tf.lba28() : chsToLba();
        long limit = addressForm == LBA48 ? capacity()
                : addressForm == LBA28 ? Math.min(capacity(), LBA28_LIMIT)
                : (long) currentCylinders() * heads * sectorsPerTrack;
        if (lba < 0) {
            fail(IDNF, -1);
            return -1;
        }
        if (lba + count > limit) {
            form = addressForm;
            fail(IDNF, Math.max(lba, limit));
            return -1;
        }
        return lba;
    }

    /**
     * Logical CHS to LBA under the current translation (INITIALIZE DEVICE PARAMETERS):
     * (C * heads + H) * sectors + S - 1; -1 when C, H or S is invalid.
     */
    private long chsToLba() {
        int c = tf.cylinder(), h = tf.head(), s = tf.sectorNumber();
        if (s == 0 || s > sectorsPerTrack || h >= heads || c >= currentCylinders()) return -1;
        return ((long) c * heads + h) * sectorsPerTrack + s - 1;
    }

    /** Error outputs: the address of the first sector in error, in the command's own form. */
    private void reportAddress(long lba) {
        switch (form) {
            case LBA48 -> tf.setLba48(lba);
            case LBA28 -> tf.setLba28(lba);
            default -> {
                long perCylinder = (long) heads * sectorsPerTrack;
                int c = (int) Math.min(lba / perCylinder, 0xFFFF);
                int r = (int) (lba % perCylinder);
                tf.setChs(c, r / sectorsPerTrack, r % sectorsPerTrack + 1);
            }
        }
    }

    // ---- completion ----------------------------------------------------------------------

    private void complete() {
        status = READY;
        intrq = true;
    }

    private void abort() {
        fail(ABRT, -1);
    }

    /** Ends the command with ERR; {@code lba} (if not -1) goes into the address registers. */
    private void fail(int errorBits, long lba) {
        transfer = IDLE_BUS;
        error = errorBits;
        if (lba >= 0) reportAddress(lba);
        status = READY | ERR;
        intrq = true;
    }
}
