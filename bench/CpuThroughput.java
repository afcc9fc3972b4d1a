import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a flat guest binary (bench/workloads, loaded at 1 MiB, 32-bit flat protected mode)
 * in the processor model several times and prints one line:
 * {@code checksum instructions best-cpu-nanos best-wall-nanos}. Launched by bench/cpu-throughput with the
 * project's classes on the class path.
 */
public class CpuThroughput {
    private static final int LOAD = 0x100000;
    private static final java.lang.management.ThreadMXBean THREAD =
            java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        byte[] image = Files.readAllBytes(Path.of(args[0]));
        int rounds = Integer.parseInt(args[1]);
        int repeats = Integer.parseInt(args[2]);
        // The round count lives in the word at offset 8 of the image (guest-entry.S ROUNDS).
        image[8] = (byte) rounds;
        image[9] = (byte) (rounds >>> 8);
        image[10] = (byte) (rounds >>> 16);
        image[11] = (byte) (rounds >>> 24);
        PhysicalMemory mem = new PhysicalMemory(16 << 20);
        Cpu cpu = new Cpu(mem, new PortBus());
        cpu.interceptExceptions = true;
        long best = Long.MAX_VALUE, bestWall = Long.MAX_VALUE, instructions = 0;
        int checksum = 0;
        for (int i = 0; i < repeats; i++) {
            mem.load(LOAD, image);
            cpu.enterFlatProtectedMode();
            cpu.eip = LOAD;
            cpu.halted = false;
            long before = cpu.instructions;
            // Thread CPU time, not wall time: it stays meaningful on a loaded machine.
            long t0 = THREAD.getCurrentThreadCpuTime(), w0 = System.nanoTime();
            Exit e = cpu.run(Long.MAX_VALUE / 4);
            long dt = THREAD.getCurrentThreadCpuTime() - t0;
            bestWall = Math.min(bestWall, System.nanoTime() - w0);
            if (!(e instanceof Exit.Halted)) {
                System.err.printf("guest stopped with %s at eip %08x%n", e, cpu.eip);
                System.exit(1);
            }
            instructions = cpu.instructions - before;
            checksum = cpu.r[Reg.EAX];
            best = Math.min(best, dt);
        }
        System.out.printf("%d %d %d %d%n", checksum & 0xFFFFFFFFL, instructions, best, bestWall);
    }
}
