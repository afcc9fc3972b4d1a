package org.jvisor.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jvisor.boot.Multiboot;
import org.jvisor.machine.Pc;
import org.jvisor.machine.devices.ata.AtaController;
import org.jvisor.machine.devices.ata.DiskImage;
import org.jvisor.machine.devices.ata.DiskImageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jvisor run}: boots one guest with its serial console on this terminal. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Boot a guest. With no arguments: the bundled Linux guest; with only --disk: the first disk's boot sector.")
final class RunCommand implements Callable<Integer> {
    /** The bundled guest's command line: serial console, no probing of hardware we lack. */
    static final String DEFAULT_APPEND = "console=ttyS0 panic=-1";

    @Option(names = "--kernel", paramLabel = "FILE", description = "Kernel: a Linux bzImage or a Multiboot ELF.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE",
            description = "Initial ramdisk for a Linux kernel, or the module for a Multiboot kernel.")
    Path initrd;

    @Option(names = "--append", paramLabel = "CMDLINE", description = "Kernel command line.")
    String append;

    @Option(names = "--disk", paramLabel = "FILE[,ro]",
            description = "Raw disk image on the ATA controller; ',ro' makes it read-only. Up to four, in order"
                    + " primary master, primary slave, secondary master, secondary slave.")
    List<Path> disks = new ArrayList<>();

    @Option(names = "-m", paramLabel = "SIZE", description = "RAM size, e.g. 128M (default) or 1G.", defaultValue = "128M")
    String memory;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "native, trap or bt (the default; until bt is built, an unspecified mode runs native).")
    String mode;

    /** Where keystrokes for the guest come from (set by {@link Main}). */
    java.io.InputStream console = System.in;

    @Option(names = "--max-instructions", paramLabel = "N", hidden = true, defaultValue = "-1",
            description = "Stop after about N instructions (tests).")
    long maxInstructions;

    @Override
    public Integer call() {
        int ram = MemorySize.parse(memory);
        if (mode == null) {
            // bt is the default (DESIGN.md); until it exists, say so and run the guest bare.
            System.err.println("jvisor: mode bt (the default) is not built yet; running the guest in native mode");
            mode = "native";
        }
        Mode m = Mode.parse(mode);
        if (m != Mode.NATIVE) {
            throw new UsageError("mode '" + mode + "' is not built yet; use --mode native");
        }
        List<DiskImage> images = openDisks();
        // No kernel: boot the first disk's boot sector when there are disks, else the bundled guest.
        boolean fromDisk = kernel == null && initrd == null && !images.isEmpty();
        boolean bundled = kernel == null && !fromDisk;
        byte[] image = fromDisk ? null : readInput(bundled ? GuestImages.kernel() : kernel, "kernel");
        Path initrdPath = initrd != null ? initrd : bundled ? GuestImages.initrd() : null;
        byte[] ramdisk = initrdPath == null ? null : readInput(initrdPath, "initrd");
        Pc pc = new Pc(ram, SerialConsole.output(System.out), images);
        if (fromDisk) {
            pc.bootFromDisk(images.get(0));
        } else if (isBzImage(image)) {
            pc.bootLinux(image, ramdisk, append == null ? DEFAULT_APPEND : append);
        } else {
            // As with QEMU, --initrd hands a Multiboot kernel its module (named by the file name).
            List<Multiboot.Module> modules = ramdisk == null ? List.of()
                    : List.of(new Multiboot.Module(ramdisk, initrdPath.getFileName().toString()));
            pc.bootMultiboot(image, append == null ? "" : append, modules);
        }
        SerialConsole serial = new SerialConsole(pc, console);
        serial.start();
        Pc.Result r;
        try {
            r = pc.run(maxInstructions < 0 ? Long.MAX_VALUE : maxInstructions);
        } finally {
            pc.close();
            serial.restore();
        }
        System.out.flush();
        System.err.printf("%njvisor: VM stopped: %s after %d instructions%n", describe(r), r.instructions());
        return switch (r.reason()) {
            case DEBUG_EXIT -> r.exitValue() & 0xFF;
            case HALTED, IDLE, RESET, BUDGET, STOPPED -> 0;
            case SHUTDOWN, UNEXPECTED_EXIT -> 1;
        };
    }

    private static String describe(Pc.Result r) {
        return switch (r.reason()) {
            case DEBUG_EXIT -> "debug exit with value " + r.exitValue();
            case SHUTDOWN -> "triple fault (" + r.detail() + ")";
            case HALTED -> "power off (" + r.detail() + ")";
            case IDLE -> "halted for good (" + r.detail() + ")";
            case RESET -> "reboot (" + r.detail() + ")";
            case BUDGET -> "instruction limit reached";
            case STOPPED -> "quit from the console";
            case UNEXPECTED_EXIT -> "unexpected exit " + r.detail();
        };
    }

    /** Opens every --disk image; any problem is one line naming the file, and nothing stays open. */
    private List<DiskImage> openDisks() {
        if (disks.size() > AtaController.MAX_DISKS) {
            throw new UsageError("at most " + AtaController.MAX_DISKS + " disks (the ATA controller has two channels)");
        }
        List<DiskImage> images = new ArrayList<>();
        try {
            for (Path d : disks) {
                String name = d.toString();
                boolean ro = name.endsWith(",ro");
                images.add(DiskImage.open(Path.of(ro ? name.substring(0, name.length() - 3) : name), ro));
            }
        } catch (DiskImageException e) {
            images.forEach(DiskImage::close);
            throw new UsageError(e.getMessage());
        }
        return images;
    }

    /** A Linux boot-protocol image carries "HdrS" at offset 0x202 (boot.rst, the setup header). */
    private static boolean isBzImage(byte[] image) {
        return image.length > 0x206 && image[0x202] == 'H' && image[0x203] == 'd' && image[0x204] == 'r'
                && image[0x205] == 'S';
    }

    /** Reads a user-named file, turning every problem into a one-line usage error. */
    static byte[] readInput(Path file, String what) {
        if (!Files.exists(file)) throw new UsageError(what + " not found: " + file);
        if (!Files.isRegularFile(file)) throw new UsageError(what + " is not a regular file: " + file);
        try {
            byte[] data = Files.readAllBytes(file);
            if (data.length == 0) throw new UsageError(what + " is empty: " + file);
            return data;
        } catch (IOException e) {
            throw new UsageError("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }
}
