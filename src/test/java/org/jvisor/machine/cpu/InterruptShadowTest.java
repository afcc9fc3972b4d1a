package org.jvisor.machine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.function.LongPredicate;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/**
 * External interrupts are taken at instruction boundaries, except for the one instruction
 * after STI (when it set IF) and after MOV SS / POP SS (SDM Vol. 3A 6.8.3). Real mode, so the
 * frame is the 8086 one: FLAGS, CS, IP.
 */
class InterruptShadowTest {
    private static final int VECTOR = 0x20;

    /** Raises one interrupt once {@code when} holds for the retired-instruction count. */
    private static final class OneShot implements InterruptController {
        private final Cpu cpu;
        private final LongPredicate when;
        private boolean done;

        OneShot(Cpu cpu, LongPredicate when) {
            this.cpu = cpu;
            this.when = when;
        }

        @Override
        public boolean hasInterrupt() {
            return !done && when.test(cpu.instructions);
        }

        @Override
        public int acknowledge() {
            done = true;
            return VECTOR;
        }
    }

    private static Cpu realModeCpu(int[] main) {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        for (int k = 0; k < main.length; k++) mem.write8(0x1000 + k, main[k]);
        // Handler at 0:0500: mov bp,sp; mov ax,[bp]; mov [0x600],ax; mov [0x602],di; iret
        int[] handler = {0x89, 0xE5, 0x8B, 0x46, 0x00, 0xA3, 0x00, 0x06, 0x89, 0x3E, 0x02, 0x06, 0xCF};
        for (int k = 0; k < handler.length; k++) mem.write8(0x500 + k, handler[k]);
        mem.write32(VECTOR * 4, 0x0000_0500); // IVT entry: offset 0x500, segment 0
        Cpu cpu = new Cpu(mem, new PortBus());
        cpu.setSegment(Seg.CS, 0, 0, 0xFFFF, 0x9B);
        cpu.setSegment(Seg.SS, 0, 0, 0xFFFF, 0x93);
        cpu.setSegment(Seg.DS, 0, 0, 0xFFFF, 0x93);
        cpu.idtBase = 0;
        cpu.idtLimit = 0x3FF;
        cpu.r[Reg.ESP] = 0x8000;
        cpu.eip = 0x1000;
        return cpu;
    }

    @Test
    void stiHoldsOffAPendingInterruptForOneInstruction() {
        Cpu cpu = realModeCpu(new int[] {0xFB, 0x47, 0x47, 0xF4}); // sti; inc di; inc di; hlt
        cpu.pic = new OneShot(cpu, n -> true);
        assertInstanceOf(Exit.Halted.class, cpu.run(100));
        assertEquals(0x1002, cpu.mem.read16(0x600), "interrupted after the first INC, not before it");
        assertEquals(1, cpu.mem.read16(0x602));
        assertEquals(2, cpu.r[Reg.EDI] & 0xFFFF);
        assertEquals(0x1004, cpu.eip);
    }

    @Test
    void interruptsAreTakenAtOnceWhenIfIsAlreadySet() {
        Cpu cpu = realModeCpu(new int[] {0x47, 0x47, 0xF4}); // inc di; inc di; hlt
        cpu.setEflags(cpu.getEflags() | Flags.IF);
        cpu.pic = new OneShot(cpu, n -> true);
        cpu.run(100);
        assertEquals(0x1000, cpu.mem.read16(0x600));
        assertEquals(0, cpu.mem.read16(0x602));
    }

    @Test
    void movSsHoldsOffInterruptsForOneInstruction() {
        Cpu cpu = realModeCpu(new int[] {0x8E, 0xD0, 0x47, 0x47, 0xF4}); // mov ss,ax; inc di; inc di; hlt
        cpu.setEflags(cpu.getEflags() | Flags.IF);
        cpu.pic = new OneShot(cpu, n -> n >= 1); // pending from just after MOV SS
        cpu.run(100);
        assertEquals(0x1003, cpu.mem.read16(0x600), "the INC after MOV SS runs first");
        assertEquals(1, cpu.mem.read16(0x602));
    }
}
