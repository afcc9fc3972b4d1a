package org.jvisor.machine.cpu.diff;

import java.nio.file.Path;

/**
 * Command-line entry of scripts/difftest: a long differential run with any seed.
 * Usage: DiffMain --seed S --cases N [--filter mnemonic] [--show K] [--sequences M] [--fpu-unmasked].
 * M of the N cases are two-instruction flag producer/consumer sequences (default N/10, or 0
 * with --filter; M = N runs sequences only). Exits 1 on any
 * mismatch or uncovered row, after printing the seed and each failing case.
 */
public final class DiffMain {
    private DiffMain() { }

    public static void main(String[] args) throws Exception {
        long seed = 20261124;
        int cases = 100_000, show = 20;
        int sequences = -1;
        String filter = null;
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--seed" -> seed = Long.parseLong(args[++k]);
                case "--cases" -> cases = Integer.parseInt(args[++k]);
                case "--filter" -> filter = args[++k];
                case "--show" -> show = Integer.parseInt(args[++k]);
                case "--sequences" -> sequences = Integer.parseInt(args[++k]);
                case "--fpu-unmasked" -> System.setProperty("jvisor.diff.fpuUnmasked", "true");
                default -> {
                    System.err.println("usage: difftest --seed S --cases N [--filter mnemonic] [--show K] [--sequences M] [--fpu-unmasked]");
                    System.exit(2);
                }
            }
        }
        if (sequences < 0) sequences = filter != null ? 0 : cases / 10;
        DiffRun run = new DiffRun(seed, cases, sequences);
        run.run(Path.of(System.getProperty("jvisor.root", ".")), filter, HarnessProcess.available("qemu-i386"));
        for (int k = 0; k < Math.min(show, run.mismatches.size()); k++) System.out.println(run.mismatches.get(k));
        System.out.print(run.coverageReport());
        boolean ok = run.totalMismatches == 0 && run.uncovered.isEmpty() && (!run.rows.isEmpty() || sequences > 0);
        System.out.println(ok ? "PASS seed " + seed : "FAIL seed " + seed + " (rerun: scripts/difftest --seed " + seed
                + " --cases " + cases + " --sequences " + sequences + (filter != null ? " --filter " + filter : "") + ")");
        System.exit(ok ? 0 : 1);
    }
}
