package org.jvisor.machine;

import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.jvisor.boot.E820Map;
import org.jvisor.boot.LinuxLoader;
import org.jvisor.boot.MpTable;
import org.jvisor.boot.Multiboot;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.CpuShutdown;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.devices.A20Gate;
import org.jvisor.machine.devices.A20Line;
import org.jvisor.machine.devices.CmosRtc;
import org.jvisor.machine.devices.DebugExit;
import org.jvisor.machine.devices.I8042;
import org.jvisor.machine.devices.PciHostBridge;
import org.jvisor.machine.devices.PicPair;
import org.jvisor.machine.devices.Pit8254;
import org.jvisor.machine.devices.PostPort;
import org.jvisor.machine.devices.SystemControlPort;
import org.jvisor.machine.devices.SystemControlPortA;
import org.jvisor.machine.devices.apic.ApicWiring;
import org.jvisor.machine.devices.ata.AtaController;
import org.jvisor.machine.devices.ata.DiskImage;
import org.jvisor.machine.devices.Uart16550;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/**
 * The simulated PC: RAM, the port bus, one processor and the legacy devices a kernel
 * expects — the 8259A pair, the 8254 PIT with port 0x61, the MC146818 RTC, COM1 (16550A,
 * IRQ 4, the console) and COM2-COM4, a local APIC with its timer and an IOAPIC, the ATA controller (IRQ 14/15) with raw disk images, the 8042 keyboard controller and port 0x92 (reset lines), a PCI host bridge,
 * port 0x80 and the debug-exit port at 0xF4. The A20 gate is modelled by the devices but
 * memory always sees A20 enabled (no guest here depends on the 1 MiB wrap). {@link #run(long)} runs the processor in slices,
 * polls the timers between them, feeds console input, and idles in HLT until the next
 * device event.
 */
public final class Pc {
    public static final int COM1 = 0x3F8, COM1_IRQ = 4, DEBUG_EXIT_PORT = 0xF4;
    /** Instructions between device polls: about a millisecond of guest time. */
    private static final long SLICE = 1 << 20 >> 2;
    /** Longest wall-clock wait in one idle step, so stop requests are seen promptly. */
    private static final long MAX_IDLE_WAIT_NANOS = 50_000_000;

    public final PhysicalMemory mem;
    public final PortBus ports = new PortBus();
    public final Cpu cpu;
    public final MachineClock clock;
    public final PicPair pic = new PicPair();
    public final ApicWiring apics;
    public final Pit8254 pit;
    public final CmosRtc rtc;
    public final Uart16550 com1;
    public final DebugExit debugExit;
    public final I8042 keyboardController;
    public final PciHostBridge pci;
    public final AtaController ata;
    private volatile boolean resetRequested;
    private final ByteArrayOutputStream serial = new ByteArrayOutputStream();
    private final BlockingQueue<Integer> console = new LinkedBlockingQueue<>();
    private volatile boolean consoleAttached, stopRequested;

    /** Why {@link #run(long)} returned. */
    public enum Reason {
        /** The guest wrote to the debug-exit port. */
        DEBUG_EXIT,
        /** Triple fault or another processor shutdown. */
        SHUTDOWN,
        /** HLT with interrupts off: how a kernel powers off or halts for good. */
        HALTED,
        /** HLT with interrupts on but nothing left that could raise one. */
        IDLE,
        /** The guest pulsed a reset line (8042, port 0x92, 0xCF9): a reboot, which stops this VM. */
        RESET,
        /** The instruction budget ran out. */
        BUDGET,
        /** Stopped from outside ({@link #stop()}), e.g. the console's Ctrl-A X. */
        STOPPED,
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
        this(ramBytes, echo, List.of());
    }

    /**
     * @param disks raw images for the ATA controller, in QEMU's order: primary master, primary
     *              slave, secondary master, secondary slave (at most four)
     */
    public Pc(int ramBytes, IntConsumer echo, List<DiskImage> disks) {
        mem = new PhysicalMemory(ramBytes);
        cpu = new Cpu(mem, ports);
        clock = new MachineClock(cpu);
        // The local APIC (virtual-wire mode, passing the 8259As through LINT0) becomes the
        // processor's interrupt controller; ISA lines reach both the 8259As and the IOAPIC.
        apics = ApicWiring.install(cpu, mem, clock, pic, 1);
        ports.register(0x20, 2, pic.masterPorts());
        ports.register(0xA0, 2, pic.slavePorts());
        ports.register(0x4D0, 2, pic.elcrPorts());
        pit = new Pit8254(clock, apics.isaLine(0));
        ports.register(0x40, 4, pit);
        ports.register(0x61, 1, new SystemControlPort(clock, pit));
        rtc = new CmosRtc(clock, LocalDateTime.now(ZoneOffset.UTC), ramBytes, apics.isaLine(8)); // PC RTCs keep UTC for Linux
        ports.register(0x70, 2, rtc);
        com1 = new Uart16550(b -> {
            serial.write(b);
            if (echo != null) echo.accept(b);
        }, apics.isaLine(COM1_IRQ));
        debugExit = new DebugExit(cpu::requestStop);
        ports.register(COM1, 8, com1);
        // COM2-COM4 exist (a kernel probes them) but lead nowhere: output is dropped, no input.
        // COM3/COM4 would share IRQ 4/3 with COM1/COM2; ISA edge lines cannot be shared, so theirs stay unwired.
        ports.register(0x2F8, 8, new Uart16550(b -> { }, apics.isaLine(3)));
        ports.register(0x3E8, 8, new Uart16550(b -> { }, org.jvisor.machine.devices.IrqLine.NONE));
        ports.register(0x2E8, 8, new Uart16550(b -> { }, org.jvisor.machine.devices.IrqLine.NONE));
        ports.register(DEBUG_EXIT_PORT, 4, debugExit);
        Runnable reset = () -> {
            resetRequested = true;
            cpu.requestStop();
        };
        A20Gate a20 = new A20Gate(A20Line.NONE);
        keyboardController = new I8042(apics.isaLine(1), apics.isaLine(12), reset, a20.keyboardControllerInput());
        keyboardController.attach(ports);
        ports.register(0x92, 1, new SystemControlPortA(reset, a20.portAInput()));
        pci = new PciHostBridge(reset);
        ports.register(0xCF8, 8, pci);
        ports.register(PostPort.PORT, 1, new PostPort());
        ata = new AtaController(disks, apics.isaLine(14), apics.isaLine(15));
        ata.register(ports);
    }

    /** Loads a Multiboot kernel with its modules and puts the processor in the hand-off state. */
    public Multiboot.Loaded bootMultiboot(byte[] kernel, String cmdline, List<Multiboot.Module> modules) {
        Multiboot.Loaded loaded = Multiboot.load(mem, kernel, cmdline, modules);
        Multiboot.handOff(cpu, loaded);
        return loaded;
    }

    /**
     * Loads a bzImage (Linux boot protocol) with an optional initrd and enters its 32-bit entry.
     * An MP table (MP spec 1.4) in the BIOS area tells the kernel about the processor, the
     * IOAPIC and the ISA interrupt routing; the e820 map reserves the APIC windows.
     */
    public LinuxLoader.Loaded bootLinux(byte[] kernel, byte[] initrd, String cmdline) {
        MpTable.write(mem, MpTable.DEFAULT_ADDRESS, MpTable.Config.pc());
        LinuxLoader.Loaded loaded = LinuxLoader.load(mem, kernel, initrd, cmdline, E820Map.forRam(mem.size(), true));
        LinuxLoader.handOff(cpu, loaded);
        return loaded;
    }

    /**
     * Boots from a disk's first sector as PC firmware does: the 512-byte boot sector (ending in
     * 55 AA) is loaded at 0000:7C00 and entered in real mode with DL = 0x80, the first hard
     * disk. No BIOS services exist yet, so the boot code must drive the hardware itself.
     */
    public void bootFromDisk(DiskImage disk) {
        byte[] sector = new byte[512];
        try {
            disk.read(0, sector, 0, 1);
        } catch (java.io.IOException e) {
            throw new org.jvisor.boot.BootException("cannot read the boot sector of " + disk.path() + ": " + e.getMessage());
        }
        if ((sector[510] & 0xFF) != 0x55 || (sector[511] & 0xFF) != 0xAA) {
            throw new org.jvisor.boot.BootException(disk.path() + " is not bootable (no 55 AA signature in its first sector)");
        }
        mem.load(0x7C00, sector);
        cpu.reset();
        cpu.setSegment(org.jvisor.machine.cpu.Seg.CS, 0, 0, 0xFFFF, 0x9B);
        cpu.eip = 0x7C00;
        cpu.r[org.jvisor.machine.cpu.Reg.EDX] = 0x80;
        cpu.r[org.jvisor.machine.cpu.Reg.ESP] = 0x7C00;
    }

    /** Everything COM1 has transmitted so far, as ISO-8859-1 text. */
    public String serialOutput() {
        return serial.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Types one byte on the serial console; any thread. Marks the console as attached. */
    public void consoleInput(int b) {
        consoleAttached = true;
        console.add(b & 0xFF);
    }

    /** Says a console may send input later, so an idle guest waits for it instead of stopping. */
    public void attachConsole() {
        consoleAttached = true;
    }

    /** The console will send nothing more (its input ended): an idle guest may now stop. */
    public void detachConsole() {
        consoleAttached = false;
        console.add(-1);
    }

    /** Ends {@link #run} soon, from any thread. */
    public void stop() {
        stopRequested = true;
        cpu.requestStop();
        console.add(-1); // wakes an idle wait
    }

    /** Flushes and releases the disk images; the machine must not run afterwards. */
    public void close() {
        ata.close();
    }

    /** Runs until a debug exit, a shutdown, a final halt, a stop, or about maxInstructions. */
    public Result run(long maxInstructions) {
        long start = cpu.instructions;
        while (true) {
            feedConsole(); // first: keystrokes typed before a stop still reach the guest
            if (stopRequested) return result(Reason.STOPPED, start, "stopped by the user");
            long left = maxInstructions - (cpu.instructions - start);
            if (left <= 0) return result(Reason.BUDGET, start, "instruction budget exhausted");
            Exit e;
            try {
                e = cpu.run(Math.min(left, SLICE));
            } catch (CpuShutdown s) {
                return result(Reason.SHUTDOWN, start, s.getMessage());
            }
            pollDevices();
            switch (e) {
                case Exit.StopRequested s -> {
                    if (debugExit.exited()) return result(Reason.DEBUG_EXIT, start, "debug exit");
                    if (resetRequested) return result(Reason.RESET, start, "reset requested by the guest");
                }
                case Exit.Shutdown s -> {
                    return result(Reason.SHUTDOWN, start, s.reason());
                }
                case Exit.Halted h -> {
                    if ((cpu.getEflags() & Flags.IF) == 0) return result(Reason.HALTED, start, "HLT with interrupts off");
                    if (!idle()) return result(Reason.IDLE, start, "HLT with nothing left to wake the processor");
                }
                case Exit.BudgetExhausted b -> { }
                case Exit.InterruptWindow w -> { }
                case Exit.Exception x -> {
                    return result(Reason.UNEXPECTED_EXIT, start, x.toString());
                }
            }
        }
    }

    private void pollDevices() {
        pit.poll();
        rtc.poll();
        apics.poll();
    }

    /** Moves console bytes into COM1 while its receive queue has room. */
    private void feedConsole() {
        while (com1.receiveRoom() > 0) {
            Integer b = console.poll();
            if (b == null) return;
            if (b >= 0) com1.receive(b);
        }
    }

    /**
     * The processor is halted with interrupts on: wait (in wall time) for console input or the
     * next timer event, then move the machine's clock there. False when nothing can ever wake it.
     */
    private boolean idle() {
        while (!cpu.pic.hasInterrupt() && !stopRequested) {
            long next = Math.min(Math.min(pit.nextEventNanos(), rtc.nextEventNanos()), apics.nextEventNanos());
            if (next == Long.MAX_VALUE && !consoleAttached) return false;
            long now = clock.nanos();
            long wait = Math.max(0, Math.min(MAX_IDLE_WAIT_NANOS, next - now));
            Integer b = null;
            try {
                b = wait > 0 ? console.poll(wait, TimeUnit.NANOSECONDS) : console.poll();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                stopRequested = true;
            }
            if (b == null) {
                clock.skipTo(now + wait); // idle time passes at wall-clock speed
            } else if (b >= 0) {
                com1.receive(b);
                feedConsole();
            }
            pollDevices();
        }
        return true;
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
