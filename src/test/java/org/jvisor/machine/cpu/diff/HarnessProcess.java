package org.jvisor.machine.cpu.diff;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a batch of cases through one harness process: a writer thread streams the case
 * records to its stdin while this thread reads the results, so neither pipe fills up.
 */
final class HarnessProcess {
    private HarnessProcess() { }

    /** Builds the harness binaries (make in tests/harness) into target/harness; returns the directory. */
    static Path build(Path root) throws IOException, InterruptedException {
        Path out = root.resolve("target/harness");
        Process p = new ProcessBuilder("make", "-s", "-C", root.resolve("tests/harness").toString(),
                "OUT=" + out.toAbsolutePath()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException("building the harness failed:\n" + log);
        return out;
    }

    static List<String> command(Oracle oracle, Path dir) {
        return oracle == Oracle.HOST
                ? List.of(dir.resolve("harness64").toString())
                : List.of("qemu-i386", dir.resolve("harness32").toString());
    }

    static List<Protocol.Result> run(List<String> command, List<DiffCase> cases) throws IOException, InterruptedException {
        if (cases.isEmpty()) return List.of();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread writer = Thread.ofPlatform().start(() -> writeAll(p.getOutputStream(), cases));
        List<Protocol.Result> results = new ArrayList<>(cases.size());
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16))) {
            byte[] header = new byte[Protocol.OUT_HEADER];
            for (int k = 0; k < cases.size(); k++) {
                in.readFully(header);
                ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                int n = h.getInt(Protocol.OUT_HEADER - 4);
                int[] diffs = new int[n];
                for (int d = 0; d < n; d++) diffs[d] = Integer.reverseBytes(in.readInt());
                results.add(Protocol.decode(h, diffs));
            }
        } catch (IOException e) {
            p.destroy();
            throw new IOException("harness " + command + " stopped after " + results.size() + " of "
                    + cases.size() + " cases (next: " + cases.get(results.size()).describe() + ")", e);
        }
        writer.join();
        p.waitFor();
        return results;
    }

    private static void writeAll(OutputStream os, List<DiffCase> cases) {
        try (OutputStream out = new BufferedOutputStream(os, 1 << 16)) {
            ByteBuffer b = ByteBuffer.allocate(Protocol.IN_SIZE);
            for (DiffCase c : cases) {
                b.clear();
                Protocol.encode(c, b);
                out.write(b.array(), 0, Protocol.IN_SIZE);
            }
        } catch (IOException e) {
            // The reader reports the harness stopping; nothing more to say here.
        }
    }

    static boolean available(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

}
