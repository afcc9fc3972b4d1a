package org.jvisor.machine.cpu.decode;

/**
 * Where the decoder reads instruction bytes from. {@code byteAt(k)} returns the byte at
 * offset k from the instruction's start (0-255). It throws the processor's fault when the
 * byte cannot be fetched (#PF, #GP for the CS limit), or {@link Decoder#UNAVAILABLE} when a
 * block decoder prefers to stop before this instruction rather than fault now.
 */
@FunctionalInterface
public interface ByteSource {
    int byteAt(int offset);
}
