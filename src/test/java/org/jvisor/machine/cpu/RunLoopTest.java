package org.jvisor.machine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

class RunLoopTest {
    private static Cpu flatCpu(byte[] code, int at) {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        mem.load(at, code);
        Cpu cpu = new Cpu(mem, new PortBus());
        cpu.enterFlatProtectedMode();
        cpu.eip = at;
        return cpu;
    }

    @Test
    void runsBlocksUntilHlt() {
        // mov eax,5 ; jmp +5 ; (mov eax,7 skipped) ; mov ebx,9 ; hlt
        byte[] code = {(byte) 0xB8, 5, 0, 0, 0, (byte) 0xEB, 5, (byte) 0xB8, 7, 0, 0, 0,
            (byte) 0xBB, 9, 0, 0, 0, (byte) 0xF4};
        Cpu cpu = flatCpu(code, 0x1000);
        Exit e = cpu.run(1000);
        assertInstanceOf(Exit.Halted.class, e);
        assertEquals(5, cpu.r[Reg.EAX]);
        assertEquals(9, cpu.r[Reg.EBX]);
        assertEquals(0x1000 + code.length, cpu.eip);
        assertEquals(4, cpu.instructions);
    }

    @Test
    void selfModifyingStoreInvalidatesBlock() {
        // Loop: mov eax,5 ; hlt. Run once, patch the immediate in memory, run again.
        byte[] code = {(byte) 0xB8, 5, 0, 0, 0, (byte) 0xF4};
        Cpu cpu = flatCpu(code, 0x2000);
        cpu.run(100);
        assertEquals(5, cpu.r[Reg.EAX]);
        cpu.mem.write8(0x2001, 6);
        cpu.halted = false;
        cpu.eip = 0x2000;
        cpu.run(100);
        assertEquals(6, cpu.r[Reg.EAX]);
    }

    @Test
    void storeIntoTheNextInstructionOfTheSameBlockIsSeen() {
        // SDM Vol. 3A 11.6: a write to an instruction already fetched is detected; the modified
        // instruction runs. mov byte [0x2008], 6 ; mov eax, 5 (its immediate is at 0x2008) ; hlt
        byte[] code = {(byte) 0xC6, 0x05, 0x08, 0x20, 0, 0, 0x06, (byte) 0xB8, 5, 0, 0, 0, (byte) 0xF4};
        Cpu cpu = flatCpu(code, 0x2000);
        cpu.run(100);
        assertEquals(6, cpu.r[Reg.EAX]);
        assertEquals(3, cpu.instructions);
    }

    @Test
    void singleStepTrapIsAnExitWhenIntercepting() {
        byte[] code = {(byte) 0xB8, 5, 0, 0, 0, (byte) 0xBB, 9, 0, 0, 0, (byte) 0xF4};
        Cpu cpu = flatCpu(code, 0x1000);
        cpu.interceptExceptions = true;
        cpu.setEflags(cpu.getEflags() | Flags.TF);
        // SDM 17.3.1.4: with TF set, #DB (a trap) follows each instruction; EIP is past it.
        assertEquals(new Exit.Exception(Vectors.DB, 0, false, false), cpu.run(100));
        assertEquals(0x1005, cpu.eip);
        assertEquals(5, cpu.r[Reg.EAX]);
        assertEquals(0, cpu.r[Reg.EBX]);
        assertEquals(new Exit.Exception(Vectors.DB, 0, false, false), cpu.run(100));
        assertEquals(9, cpu.r[Reg.EBX]);
    }

    @Test
    void undefinedOpcodeInterceptedAsUd() {
        byte[] code = {(byte) 0x0F, (byte) 0xFF};
        Cpu cpu = flatCpu(code, 0x3000);
        cpu.interceptExceptions = true;
        Exit e = cpu.run(100);
        assertEquals(new Exit.Exception(Vectors.UD, 0, false, false), e);
        assertEquals(0x3000, cpu.eip);
    }

    @Test
    void instructionLongerThan15BytesIsGp() {
        byte[] code = new byte[20];
        java.util.Arrays.fill(code, (byte) 0x66);
        Cpu cpu = flatCpu(code, 0x4000);
        cpu.interceptExceptions = true;
        assertEquals(new Exit.Exception(Vectors.GP, 0, true, false), cpu.run(100));
    }
}
