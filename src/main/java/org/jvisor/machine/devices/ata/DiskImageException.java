package org.jvisor.machine.devices.ata;

/** A disk image file that cannot be used; the message is one line naming the file. */
public final class DiskImageException extends RuntimeException {
    public DiskImageException(String message) {
        super(message);
    }
}
