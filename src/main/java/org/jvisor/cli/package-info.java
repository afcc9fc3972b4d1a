/**
 * The command line: {@code jvisor run} and its options, in QEMU's spirit where it fits.
 * Bad input from the user becomes one line naming the problem and exit code 2.
 */
package org.jvisor.cli;
