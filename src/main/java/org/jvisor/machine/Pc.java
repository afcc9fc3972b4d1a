package org.jvisor.machine;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.IntConsumer;
import org.jvisor.boot.Multiboot;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.devices.DebugExit;
import org.jvisor.machine.devices.IrqLine;
import org.jvisor.machine.devices.Uart16550;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/**
 * A minimal PC for running bare-metal kernels natively on the processor model: RAM, the
 * port bus, COM1 (16550A at 0x3F8, IRQ 4 once there is an interrupt controller) and the
 * debug-exit port at 0xF4. {@link #run(long)} runs until the guest ends or the budget runs out.
 */
public final class Pc {
    public static final int COM1 = 0x3F8, COM1_IRQ = 4, DEBUG_EXIT_PORT = 0xF4;
    private static final long SLICE = 1 << 20;

    public final PhysicalMemory mem;
    public final PortBus ports = new PortBus();
    public final Cpu cpu;
    public final Uart16550 com1;
    public final DebugExit debugExit;
    private final ByteArrayOutputStream serial = new ByteArrayOutputStream();

    /** Why {@link #run(long)} returned. */
    public enum Reason {
        /** The guest wrote to the debug-exit port. */
        DEBUG_EXIT,
        /** Triple fault or another processor shutdown. */
        SHUTDOWN,
        /** HLT with nothing that could wake the processor (IF=0, or no interrupt source yet). */
        HALTED,
        /** The instruction budget ran out. */
        BUDGET,
        /** An exit the native machine does not expect (an intercepted exception). */
        UNEXPECTED_EXIT
    }

    /** The outcome of a run: exit value written to 0xF4 (-1 if none), why, instructions retired. */
    public record Result(Reason reason, int exitValue, long instructions, String detail) {
        /** The status qemu-system-i386 with isa-debug-exit would give: 2v+1, or -1 without a debug exit. */
        public int qemuStatus() {
            return reason == Reason.DEBUG_EXIT ? ((exitValue << 1) | 1) & 0xFF : -1;
        }
    }

    /** @param echo also receives every byte COM1 transmits (e.g. System.out::write), or null */
    public Pc(int ramBytes, IntConsumer echo) {
        mem = new PhysicalMemory(ramBytes);
        cpu = new Cpu(mem, ports);
        com1 = new Uart16550(b -> {
            serial.write(b);
            if (echo != null) echo.accept(b);
        }, IrqLine.NONE);
        debugExit = new DebugExit(cpu::requestStop);
        ports.register(COM1, 8, com1);
        ports.register(DEBUG_EXIT_PORT, 4, debugExit);
    }

    /** Loads a Multiboot kernel with its modules and puts the processor in the hand-off state. */
    public Multiboot.Loaded bootMultiboot(byte[] kernel, String cmdline, List<Multiboot.Module> modules) {
        Multiboot.Loaded loaded = Multiboot.load(mem, kernel, cmdline, modules);
        Multiboot.handOff(cpu, loaded);
        return loaded;
    }

    /** Everything COM1 has transmitted so far, as ISO-8859-1 text. */
    public String serialOutput() {
        return serial.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Runs until a debug exit, a shutdown, a halt nothing can end, or about maxInstructions. */
    public Result run(long maxInstructions) {
        long start = cpu.instructions;
        while (true) {
            long left = maxInstructions - (cpu.instructions - start);
            if (left <= 0) return result(Reason.BUDGET, start, "instruction budget exhausted");
            Exit e = cpu.run(Math.min(left, SLICE));
            switch (e) {
                case Exit.StopRequested s -> {
                    if (debugExit.exited()) return result(Reason.DEBUG_EXIT, start, "debug exit");
                }
                case Exit.Shutdown s -> {
                    return result(Reason.SHUTDOWN, start, s.reason());
                }
                case Exit.Halted h -> {
                    String why = (cpu.getEflags() & Flags.IF) == 0 ? "HLT with IF=0" : "HLT with no interrupt source";
                    return result(Reason.HALTED, start, why);
                }
                case Exit.BudgetExhausted b -> { }
                case Exit.InterruptWindow w -> { }
                case Exit.Exception x -> {
                    return result(Reason.UNEXPECTED_EXIT, start, x.toString());
                }
            }
        }
    }

    /**
     * Runs one Multiboot kernel natively, echoing COM1 to standard output:
     * {@code java -cp target/classes org.jvisor.machine.Pc K.elf [cmdline]}. The process exits
     * with the status qemu's isa-debug-exit would give (2v+1), or 255 when the guest ended otherwise.
     */
    public static void main(String[] args) throws java.io.IOException {
        if (args.length < 1) {
            System.err.println("usage: Pc KERNEL.elf [command line]");
            System.exit(2);
        }
        Pc pc = new Pc(32 << 20, System.out::write);
        pc.bootMultiboot(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[0])),
                args.length > 1 ? args[1] : "", List.of());
        Result r = pc.run(2_000_000_000L);
        System.out.flush();
        if (r.reason() != Reason.DEBUG_EXIT) System.err.println("jvisor: " + r.reason() + ": " + r.detail());
        System.exit(r.reason() == Reason.DEBUG_EXIT ? r.qemuStatus() : 255);
    }

    private Result result(Reason reason, long start, String detail) {
        int value = reason == Reason.DEBUG_EXIT ? debugExit.value() : -1;
        return new Result(reason, value, cpu.instructions - start, detail + String.format(" at eip %08x", cpu.eip));
    }
}
