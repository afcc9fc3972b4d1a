package org.jvisor.cli;

/** A problem with what the user asked for; printed as one line, exit code 2. */
public final class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message, null, false, false);
    }
}
