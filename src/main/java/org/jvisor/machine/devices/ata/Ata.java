package org.jvisor.machine.devices.ata;

/** Register offsets, status and error bits, and command codes of ATA/ATAPI-6. */
final class Ata {
    private Ata() { }

    static final int SECTOR = 512;

    // Command block register offsets (clause 7, register addressing): reads / writes where they differ.
    static final int DATA = 0, ERROR_FEATURES = 1, COUNT = 2, LBA_LOW = 3, LBA_MID = 4, LBA_HIGH = 5;
    static final int DEVICE = 6, STATUS_COMMAND = 7;

    // Status register (clause 7, Status).
    static final int BSY = 0x80, DRDY = 0x40, DF = 0x20, DSC = 0x10, DRQ = 0x08, ERR = 0x01;
    /** Idle and ready: DRDY plus bit 4 (seek complete on older drives, which old drivers wait for). */
    static final int READY = DRDY | DSC;

    // Error register (clause 7, Error).
    static final int UNC = 0x40, IDNF = 0x10, ABRT = 0x04;
    /** Diagnostic code after reset or EXECUTE DEVICE DIAGNOSTIC: device passed (9.10). */
    static final int DIAG_PASSED = 0x01;

    // Device register and Device Control register (clause 7).
    static final int DEV_LBA = 0x40, DEV_SELECT = 0x10;
    static final int CTL_HOB = 0x80, CTL_SRST = 0x04, CTL_NIEN = 0x02;

    // Commands (Annex B, Table B.2).
    static final int NOP = 0x00, DEVICE_RESET = 0x08, RECALIBRATE = 0x10;
    static final int READ_SECTORS = 0x20, READ_SECTORS_NORETRY = 0x21, READ_SECTORS_EXT = 0x24;
    static final int READ_MULTIPLE_EXT = 0x29;
    static final int WRITE_SECTORS = 0x30, WRITE_SECTORS_NORETRY = 0x31, WRITE_SECTORS_EXT = 0x34;
    static final int WRITE_MULTIPLE_EXT = 0x39;
    static final int READ_VERIFY = 0x40, READ_VERIFY_NORETRY = 0x41, READ_VERIFY_EXT = 0x42;
    static final int EXECUTE_DIAGNOSTIC = 0x90, INITIALIZE_PARAMETERS = 0x91;
    static final int PACKET = 0xA0, IDENTIFY_PACKET = 0xA1;
    static final int READ_MULTIPLE = 0xC4, WRITE_MULTIPLE = 0xC5, SET_MULTIPLE = 0xC6;
    static final int STANDBY_IMMEDIATE = 0xE0, IDLE_IMMEDIATE = 0xE1, STANDBY = 0xE2, IDLE = 0xE3;
    static final int CHECK_POWER_MODE = 0xE5, SLEEP = 0xE6, FLUSH_CACHE = 0xE7, FLUSH_CACHE_EXT = 0xEA;
    static final int IDENTIFY = 0xEC, SET_FEATURES = 0xEF;

    // SET FEATURES subcommands (8.36).
    static final int SF_ENABLE_WCACHE = 0x02, SF_TRANSFER_MODE = 0x03, SF_DISABLE_LOOKAHEAD = 0x55;
    static final int SF_DISABLE_REVERT = 0x66, SF_DISABLE_WCACHE = 0x82, SF_ENABLE_LOOKAHEAD = 0xAA;
    static final int SF_ENABLE_REVERT = 0xCC;

    /** Largest sector count per DRQ block for READ/WRITE MULTIPLE (IDENTIFY word 47). */
    static final int MAX_MULTIPLE = 16;
    /** Highest sector count an LBA28 address can reach: 2^28 - 1 (IDENTIFY words 60-61). */
    static final long LBA28_LIMIT = 0x0FFF_FFFFL;
}
