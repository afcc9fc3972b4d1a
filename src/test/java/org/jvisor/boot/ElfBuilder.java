package org.jvisor.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds small ELF32 i386 executables with a Multiboot header, for loader tests. */
public final class ElfBuilder {
    record Seg(int paddr, byte[] bytes, int memSize) { }

    private final List<Seg> segs = new ArrayList<>();
    int entry = 0x100000;
    int mbFlags = 0x2;
    int mbChecksumDelta;
    int machine = 3, type = 2, elfClass = 1;

    public ElfBuilder segment(int paddr, byte[] bytes, int memSize) {
        segs.add(new Seg(paddr, bytes, memSize));
        return this;
    }

    /** Layout: ELF header, program headers, Multiboot header, then segment bytes in order. */
    public byte[] build() {
        int phoff = 52, mbOff = phoff + 32 * segs.size();
        int dataOff = mbOff + 12;
        int size = dataOff;
        for (Seg s : segs) size += s.bytes().length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) elfClass, 1, 1, 0});
        b.position(16);
        b.putShort((short) type).putShort((short) machine).putInt(1).putInt(entry).putInt(phoff).putInt(0).putInt(0);
        b.putShort((short) 52).putShort((short) 32).putShort((short) segs.size()).putShort((short) 40)
                .putShort((short) 0).putShort((short) 0);
        int off = dataOff;
        for (Seg s : segs) {
            b.putInt(1).putInt(off).putInt(s.paddr()).putInt(s.paddr()).putInt(s.bytes().length)
                    .putInt(s.memSize()).putInt(7).putInt(4);
            off += s.bytes().length;
        }
        b.putInt(MultibootHeader.MAGIC).putInt(mbFlags).putInt(-(MultibootHeader.MAGIC + mbFlags) + mbChecksumDelta);
        for (Seg s : segs) b.put(s.bytes());
        return b.array();
    }
}
