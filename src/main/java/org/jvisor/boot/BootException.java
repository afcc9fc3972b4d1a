package org.jvisor.boot;

/** A kernel image, module or boot parameter the loader cannot use; the message is one line. */
public final class BootException extends RuntimeException {
    public BootException(String message) {
        super(message);
    }
}
