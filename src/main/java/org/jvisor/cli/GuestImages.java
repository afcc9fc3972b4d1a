package org.jvisor.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the bundled guest lives: {@code images/} under the jvisor installation. */
final class GuestImages {
    private GuestImages() { }

    /** The installation root: the launcher passes it as {@code jvisor.home}; else the working directory. */
    static Path home() {
        return Path.of(System.getProperty("jvisor.home", "."));
    }

    static Path kernel() {
        return bundled("bzImage");
    }

    static Path initrd() {
        return bundled("initramfs.cpio.gz");
    }

    private static Path bundled(String name) {
        Path p = home().resolve("images").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new UsageError("bundled guest image missing: " + p + " (rebuild with scripts/build-guest)");
        }
        return p;
    }
}
