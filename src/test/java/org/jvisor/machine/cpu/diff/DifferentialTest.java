package org.jvisor.machine.cpu.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The seeded CI sample of the differential tests: every covered row of the opcode table
 * runs on the host CPU (or qemu-i386 for the forms long mode lacks) and in the model.
 * Seed and size come from jvisor.diff.seed and jvisor.diff.cases (pom.xml); a long run
 * with any seed is scripts/difftest. Fails on any mismatch and on any covered row that
 * got no case, so coverage cannot silently shrink. A tenth of the cases are two-instruction
 * sequences (a flag producer, then a flag consumer) for the lazy flags: see {@link Sequences}.
 */
class DifferentialTest {
    @Test
    void modelAgreesWithHostCpuAndQemu() throws Exception {
        long seed = Long.getLong("jvisor.diff.seed", 20261124L);
        int cases = Integer.getInteger("jvisor.diff.cases", 100_000);
        Path root = Path.of(System.getProperty("jvisor.root", "."));
        assertTrue(HarnessProcess.available("qemu-i386"), "qemu-i386 (Debian qemu-user) is needed as the second oracle");
        DiffRun run = new DiffRun(seed, cases);
        run.run(root, null, true);
        String report = run.coverageReport();
        System.out.print(report);
        StringBuilder failures = new StringBuilder();
        for (int k = 0; k < Math.min(10, run.mismatches.size()); k++) failures.append(run.mismatches.get(k)).append('\n');
        assertFalse(run.rows.isEmpty(), "no rows to test");
        assertTrue(run.sequenceCases >= run.sequences * 9 / 10 && run.sequenceCases > 0,
                "too few producer/consumer sequence cases were drawn:\n" + report);
        assertTrue(run.uncovered.isEmpty(), "rows without any case (seed " + seed + "):\n" + report);
        assertEquals(0, run.totalMismatches, "differential mismatches with seed " + seed
                + " (rerun: scripts/difftest --seed " + seed + " --cases " + cases + ")\n" + failures + report);
    }
}
