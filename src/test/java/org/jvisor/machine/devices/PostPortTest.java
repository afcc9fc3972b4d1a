package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** Port 0x80 behaves as the AT's spare DMA page register: it keeps the last byte. */
class PostPortTest {
    private final PostPort post = new PostPort();
    private final PortBus bus = new PortBus();

    PostPortTest() {
        bus.register(PostPort.PORT, 1, post);
    }

    @Test
    void lastByteReadsBack() {
        bus.write(0x80, 1, 0x3C);
        assertEquals(0x3C, bus.read(0x80, 1));
        bus.write(0x80, 1, 0x00);
        assertEquals(0x00, post.lastCode());
    }

    @Test
    void wordWriteKeepsTheLowByteAndWiderReadsSeeOpenBus() {
        bus.write(0x80, 2, 0x1234);
        assertEquals(0x34, post.lastCode());
        assertEquals(0xFF34, bus.read(0x80, 2));
        assertEquals(0xFFFFFF34, bus.read(0x80, 4));
    }
}
