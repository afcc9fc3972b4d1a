package org.jvisor.machine.cpu.diff;

import java.io.ByteArrayOutputStream;

/**
 * An instruction encoding under construction, kept in parts so it can be written for a
 * 32-bit code segment and re-written for 64-bit mode: there the host needs an address-size
 * prefix for 32-bit address arithmetic, and a SIB byte for an absolute disp32 (ModRM
 * mod 00 r/m 101 means RIP-relative in 64-bit mode).
 */
final class Encoding {
    final ByteArrayOutputStream prefixes = new ByteArrayOutputStream();
    int opcode;
    int modrm = -1, sib = -1;
    int dispSize, disp;
    int immSize, imm, imm2Size, imm2;

    byte[] model() {
        return write(false, false);
    }

    /** The 64-bit form; {@code addr32} adds the 0x67 prefix so addresses wrap at 32 bits. */
    byte[] host(boolean addr32) {
        return write(true, addr32);
    }

    private byte[] write(boolean host, boolean addr32) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (host && addr32) out.write(0x67);
        out.writeBytes(prefixes.toByteArray());
        if (opcode >= 0x100) out.write(0x0F);
        out.write(opcode & 0xFF);
        if (modrm >= 0) {
            boolean absolute = (modrm & 0xC7) == 0x05;
            if (host && absolute) {
                out.write(modrm & ~7 | 4);
                out.write(0x25); // SIB: no index, base none with disp32
            } else {
                out.write(modrm);
                if (sib >= 0) out.write(sib);
            }
        }
        put(out, disp, dispSize);
        put(out, imm, immSize);
        put(out, imm2, imm2Size);
        return out.toByteArray();
    }

    private static void put(ByteArrayOutputStream out, int v, int n) {
        for (int k = 0; k < n; k++) out.write(v >>> (8 * k));
    }
}
