package org.jvisor.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jvisor.machine.Pc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jvisor run}: boots one guest with its serial console on this terminal. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Boot a guest. With no arguments: the bundled Linux guest.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--kernel", paramLabel = "FILE", description = "Kernel image (Multiboot ELF today; bzImage later).")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initial ramdisk (with a Linux kernel).")
    Path initrd;

    @Option(names = "--append", paramLabel = "CMDLINE", description = "Kernel command line.", defaultValue = "")
    String append;

    @Option(names = "--disk", paramLabel = "FILE", description = "Raw disk image; may be repeated.")
    List<Path> disks = new ArrayList<>();

    @Option(names = "-m", paramLabel = "SIZE", description = "RAM size, e.g. 128M (default) or 1G.", defaultValue = "128M")
    String memory;

    @Option(names = "--mode", paramLabel = "MODE", description = "native, trap or bt (default).", defaultValue = "bt")
    String mode;

    @Option(names = "--max-instructions", paramLabel = "N", hidden = true, defaultValue = "-1",
            description = "Stop after about N instructions (tests).")
    long maxInstructions;

    @Override
    public Integer call() throws IOException {
        int ram = MemorySize.parse(memory);
        Mode m = Mode.parse(mode);
        if (kernel == null) {
            throw new UsageError("the bundled Linux guest is not part of jvisor yet; boot a Multiboot kernel with"
                    + " --mode native --kernel FILE");
        }
        if (m != Mode.NATIVE) throw new UsageError("mode '" + mode + "' is not built yet; use --mode native");
        if (initrd != null) throw new UsageError("--initrd needs the Linux loader, which is not built yet");
        if (!disks.isEmpty()) throw new UsageError("--disk needs the ATA controller, which is not built yet");
        byte[] image = readInput(kernel, "kernel");
        Pc pc = new Pc(ram, b -> {
            System.out.write(b);
            if (b == '\n') System.out.flush();
        });
        pc.bootMultiboot(image, append, List.of());
        Pc.Result r = pc.run(maxInstructions < 0 ? Long.MAX_VALUE : maxInstructions);
        System.out.flush();
        System.err.printf("jvisor: VM stopped: %s after %d instructions%n", describe(r), r.instructions());
        return switch (r.reason()) {
            case DEBUG_EXIT -> r.exitValue() & 0xFF;
            case HALTED, BUDGET -> 0;
            default -> 1;
        };
    }

    private static String describe(Pc.Result r) {
        return switch (r.reason()) {
            case DEBUG_EXIT -> "debug exit with value " + r.exitValue();
            case SHUTDOWN -> "shutdown (" + r.detail() + ")";
            case HALTED -> r.detail();
            case BUDGET -> "instruction limit reached";
            case UNEXPECTED_EXIT -> "unexpected exit " + r.detail();
        };
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
