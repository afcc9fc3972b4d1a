package org.jvisor.machine.cpu.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** Compiled blocks must be indistinguishable from interpreted ones: same state, same faults. */
class BlockCompilerTest {
    private static final int CODE = 0x1000;

    /** mov ecx,1000; xor eax,eax; xor ebx,ebx; L: add eax,ecx; xor ebx,eax; shl ebx,1; mov [ecx*4+0x5000],eax; dec ecx; jnz L; hlt */
    private static final byte[] LOOP = bytes(0xB9, 0xE8, 0x03, 0, 0, 0x31, 0xC0, 0x31, 0xDB,
            0x01, 0xC8, 0x31, 0xC3, 0xD1, 0xE3, 0x89, 0x04, 0x8D, 0x00, 0x50, 0, 0, 0x49, 0x75, 0xF0, 0xF4);

    /** mov ecx,1000; L: mov esi,ecx; sub esi,50; mov eax,1000; xor edx,edx; div esi; add edi,eax; dec ecx; jnz L; hlt */
    private static final byte[] DIVIDES = bytes(0xB9, 0xE8, 0x03, 0, 0, 0x89, 0xCE, 0x83, 0xEE, 0x32,
            0xB8, 0xE8, 0x03, 0, 0, 0x31, 0xD2, 0xF7, 0xF6, 0x01, 0xC7, 0x49, 0x75, 0xED, 0xF4);

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int k = 0; k < v.length; k++) b[k] = (byte) v[k];
        return b;
    }

    private static Cpu cpu(byte[] code, int threshold) {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        mem.load(CODE, code);
        Cpu cpu = new Cpu(mem, new PortBus());
        cpu.enterFlatProtectedMode();
        cpu.interceptExceptions = true;
        cpu.compileThreshold = threshold;
        cpu.eip = CODE;
        return cpu;
    }

    private static byte[] ram(Cpu cpu) {
        byte[] out = new byte[0x2000];
        cpu.mem.copyOut(0x5000, out, 0, out.length);
        return out;
    }

    @Test
    void compiledLoopMatchesInterpreter() {
        Cpu interpreted = cpu(LOOP, Integer.MAX_VALUE), compiled = cpu(LOOP, 1);
        Exit a = interpreted.run(1_000_000), b = compiled.run(1_000_000);
        assertEquals(a, b);
        assertTrue(compiled.compiledBlocks() > 0, "the hot loop was compiled");
        assertEquals(0, interpreted.compiledBlocks());
        assertArrayEquals(interpreted.r, compiled.r);
        assertEquals(interpreted.eip, compiled.eip);
        assertEquals(interpreted.getEflags(), compiled.getEflags());
        assertEquals(interpreted.instructions, compiled.instructions);
        assertArrayEquals(ram(interpreted), ram(compiled));
        // Sum of 1..1000, the loop's own arithmetic: an outside check that both are right.
        assertEquals(500500, compiled.r[Reg.EAX]);
    }

    @Test
    void faultInsideACompiledBlockStopsAtTheFaultingInstruction() {
        Cpu interpreted = cpu(DIVIDES, Integer.MAX_VALUE), compiled = cpu(DIVIDES, 1);
        Exit a = interpreted.run(1_000_000), b = compiled.run(1_000_000);
        assertEquals(new Exit.Exception(Vectors.DE, 0, false, false), b);
        assertEquals(a, b);
        assertEquals(CODE + 17, compiled.eip); // at the DIV (SDM 6.5: faults report the faulting instruction)
        assertEquals(50, compiled.r[Reg.ECX]);
        assertArrayEquals(interpreted.r, compiled.r);
        assertEquals(interpreted.instructions, compiled.instructions);
    }

    @Test
    void writingCompiledCodeDropsIt() {
        Cpu cpu = cpu(LOOP, 1);
        cpu.run(1_000_000);
        assertEquals(500500, cpu.r[Reg.EAX]);
        cpu.mem.write8(CODE + 9, 0x29); // add eax,ecx → sub eax,ecx
        cpu.eip = CODE;
        cpu.halted = false;
        cpu.run(1_000_000);
        assertEquals(-500500, cpu.r[Reg.EAX]);
    }
}
