package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.memory.PortDevice;
import org.junit.jupiter.api.Test;

/** IN/OUT/INS/OUTS and the I/O permission rules of SDM Vol. 1 18.5. */
class IoOpsTest {
    /** A device on ports 0x80-0x8F (and 0x100) that logs accesses and reads back a counter. */
    static final class Probe implements PortDevice {
        final List<String> log = new ArrayList<>();
        int next = 0x41;

        @Override
        public int read(int offset, int size) {
            log.add("r" + size + "@" + offset);
            return next++;
        }

        @Override
        public void write(int offset, int size, int value) {
            log.add("w" + size + "@" + offset + "=" + Integer.toHexString(value));
        }
    }

    private static final int TSS = 0x20000, MAP = 0x88, TSS_LIMIT = MAP + 0x20;

    /** CPL 3, IOPL 0, a 32-bit TSS whose bitmap allows port 0x80 and nothing else of 0..0xFF. */
    private static FlowRig userWithBitmap(Probe probe, int... code) {
        FlowRig m = new FlowRig().code(code);
        m.ports.register(0x80, 0x10, probe);
        for (int k = MAP; k <= TSS_LIMIT; k++) m.mem.write8(TSS + k, 0xFF);
        m.mem.write8(TSS + MAP + 0x80 / 8, 0xFE);
        m.mem.write16(TSS + 0x66, MAP);
        m.cpu.setSegment(Seg.TR, 0x28, TSS, TSS_LIMIT, 0x8B);
        m.privilege(3, 0);
        return m;
    }

    @Test
    void bitmapAllowsOnePortAndDeniesTheNext() {
        Probe p = new Probe();
        FlowRig m = userWithBitmap(p, 0xE4, 0x80, 0xE6, 0x80, 0xE4, 0x81); // in al,80 ; out 80,al ; in al,81
        m.cpu.r[Reg.EAX] = 0x12345600;
        m.runToFault(Vectors.GP, 0, FlowRig.CODE + 4);
        assertEquals(0x12345641, m.cpu.r[Reg.EAX]);
        assertEquals(List.of("r1@0", "w1@0=41"), p.log, "the denied port was not touched");
    }

    @Test
    void wordAccessNeedsEveryBitClear() {
        Probe p = new Probe();
        userWithBitmap(p, 0x66, 0xE5, 0x80).runToFault(Vectors.GP, 0, FlowRig.CODE); // in ax,80: 0x81 denied
        assertEquals(List.of(), p.log);
    }

    @Test
    void portsPastTheTssLimitAreDenied() {
        // Port 0x100's bitmap word sits at MAP + 0x20 .. + 0x21, one byte past the limit.
        Probe p = new Probe();
        FlowRig m = userWithBitmap(p, 0xEC);
        m.mem.write8(TSS + MAP + 0x20, 0);
        m.cpu.r[Reg.EDX] = 0x100;
        m.runToFault(Vectors.GP, 0, FlowRig.CODE);
    }

    @Test
    void noBitmapWhenBaseBeyondLimit() {
        Probe p = new Probe();
        FlowRig m = userWithBitmap(p, 0xE4, 0x80);
        m.mem.write16(TSS + 0x66, TSS_LIMIT + 1);
        m.runToFault(Vectors.GP, 0, FlowRig.CODE);
    }

    @Test
    void ioplAtOrAboveCplSkipsTheBitmap() {
        Probe p = new Probe();
        FlowRig m = new FlowRig().code(0xBA, 0x81, 0, 0, 0, 0xEC, 0xEE); // mov edx,0x81 ; in al,dx ; out dx,al
        m.ports.register(0x80, 0x10, p);
        m.privilege(3, 3); // TR is the reset placeholder with no bitmap: never consulted
        m.runToEnd(FlowRig.CODE + 7);
        assertEquals(List.of("r1@1", "w1@1=41"), p.log);
    }

    @Test
    void v86AlwaysConsultsTheBitmap() {
        Probe p = new Probe();
        FlowRig m = userWithBitmap(p, 0xE4, 0x80, 0xE4, 0x81);
        m.cpu.setEflags(Flags.FIXED_ONE | Flags.VM | Flags.IOPL);
        for (int s = 0; s < 6; s++) m.cpu.setSegment(s, 0, 0, 0xFFFF, 0xF3);
        m.cpu.refreshSegments();
        m.runToFault(Vectors.GP, 0, FlowRig.CODE + 2);
        assertEquals(List.of("r1@0"), p.log);
    }

    @Test
    void dwordInOutAtCplZero() {
        Probe p = new Probe();
        FlowRig m = new FlowRig().code(0xE5, 0x84, 0xE7, 0x88, 0x66, 0xE7, 0x8C); // in eax,84 ; out 88,eax ; out 8c,ax
        m.ports.register(0x80, 0x10, p);
        m.runToEnd(FlowRig.CODE + 7);
        assertEquals(0x41, m.cpu.r[Reg.EAX]);
        assertEquals(List.of("r4@4", "w4@8=41", "w2@12=41"), p.log);
    }

    @Test
    void repInsbChecksTheBufferBeforeReadingThePort() {
        // rep insb into a buffer whose second page is not present: two bytes land, then #PF,
        // and the third byte was not read from the device.
        Probe p = new Probe();
        FlowRig m = new FlowRig().code(0xF3, 0x6C);
        m.ports.register(0x80, 0x10, p);
        m.pagingWithHole(0x30000);
        m.cpu.r[Reg.EDX] = 0x80;
        m.cpu.r[Reg.EDI] = 0x2FFFE;
        m.cpu.r[Reg.ECX] = 5;
        m.runToFault(Vectors.PF, 0x2, FlowRig.CODE);
        assertEquals(List.of("r1@0", "r1@0"), p.log);
        assertEquals(0x41, m.mem.read8(0x2FFFE));
        assertEquals(0x42, m.mem.read8(0x2FFFF));
        assertEquals(3, m.cpu.r[Reg.ECX]);
        assertEquals(0x30000, m.cpu.r[Reg.EDI]);
        assertEquals(0x30000, m.cpu.cr2);
    }

    @Test
    void repOutswBackwardWithDf() {
        Probe p = new Probe();
        FlowRig m = new FlowRig().code(0x66, 0xF3, 0x6F);
        m.ports.register(0x80, 0x10, p);
        m.mem.write16(0x3000, 0x1111);
        m.mem.write16(0x3002, 0x2222);
        m.mem.write16(0x3004, 0x3333);
        m.cpu.setEflags(Flags.FIXED_ONE | Flags.DF);
        m.cpu.r[Reg.EDX] = 0x82;
        m.cpu.r[Reg.ESI] = 0x3004;
        m.cpu.r[Reg.ECX] = 3;
        m.runToEnd(FlowRig.CODE + 3);
        assertEquals(List.of("w2@2=3333", "w2@2=2222", "w2@2=1111"), p.log);
        assertEquals(0x2FFE, m.cpu.r[Reg.ESI]);
    }

    @Test
    void stringIoChecksPermissionEvenWithZeroCount() {
        Probe p = new Probe();
        FlowRig m = userWithBitmap(p, 0xF3, 0x6C);
        m.cpu.r[Reg.EDX] = 0x81;
        m.cpu.r[Reg.ECX] = 0;
        m.runToFault(Vectors.GP, 0, FlowRig.CODE);
    }
}
