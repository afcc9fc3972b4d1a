/**
 * Guest-physical memory and the I/O port bus of the simulated PC.
 *
 * <p>RAM is one byte array read through little-endian var handles; addresses are ints
 * treated as unsigned. Writes to pages that hold decoded code notify a listener so the
 * processor can drop stale blocks (self-modifying code, DMA, loaders).
 */
package org.jvisor.machine.memory;
