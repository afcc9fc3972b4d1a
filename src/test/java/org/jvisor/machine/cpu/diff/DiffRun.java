package org.jvisor.machine.cpu.diff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.jvisor.machine.cpu.Isa;
import org.jvisor.machine.cpu.decode.Entry;

/**
 * One differential run: draws {@code cases} cases from a seed over every covered row of
 * the opcode table (round robin, so every row gets its share), runs them through the
 * oracles (one harness process each) and the model, and collects mismatches and coverage.
 * Case n is drawn from its own generator seeded by (seed, n), so any case can be redrawn.
 */
final class DiffRun {
    /** Per-row statistics. */
    static final class RowStats {
        int host, qemu, mismatches;
        String firstMismatch;
    }

    final long seed;
    final int cases;
    /** How many of the cases are two-instruction sequences ({@link Sequences}): the last ones. */
    final int sequences;
    int sequenceCases, sequenceMismatches, sequencesUndrawn, producerRows, consumerRows;
    final Map<Entry, RowStats> rows = new LinkedHashMap<>();
    final Map<Entry, String> excluded = new LinkedHashMap<>();
    final List<String> mismatches = new ArrayList<>();
    int totalMismatches, knownMismatches, qemuFlakes;
    private Path harnessDir;
    /**
     * Rows listed in tests/harness/known-mismatches.txt, each with the kinds of difference
     * that are known (substrings every MISMATCH line of a case must contain one of; empty:
     * any). Such cases are reported, not failed on.
     */
    final Map<String, List<String>> known = new java.util.HashMap<>();
    final List<Entry> uncovered = new ArrayList<>();

    DiffRun(long seed, int cases) {
        this(seed, cases, cases / 10);
    }

    DiffRun(long seed, int cases, int sequences) {
        this.seed = seed;
        this.cases = cases;
        this.sequences = Math.min(Math.max(sequences, 0), cases);
    }

    static Random caseRandom(long seed, int n) {
        return new Random(seed * 0x9E3779B97F4A7C15L + n * 0xC2B2AE3D27D4EB4FL + 1);
    }

    static String rowKey(Entry e) {
        return (e.mnemonic + " " + e.operands).trim();
    }

    private void loadKnown(Path root) throws java.io.IOException {
        Path f = root.resolve("tests/harness/known-mismatches.txt");
        if (!java.nio.file.Files.exists(f)) return;
        for (String line : java.nio.file.Files.readAllLines(f)) {
            String spec = line.replaceAll("#.*", "").trim();
            if (spec.isEmpty()) continue;
            String[] parts = spec.split("\\|", 2);
            List<String> kinds = new ArrayList<>();
            if (parts.length > 1) for (String k : parts[1].split(";")) kinds.add(k.trim());
            known.put(parts[0].trim(), kinds);
        }
    }

    void run(Path root, String filter, boolean qemuAvailable) throws Exception {
        loadKnown(root);
        for (Entry e : Isa.table().entries()) {
            if (filter != null && !e.mnemonic.toLowerCase(Locale.ROOT).equals(filter.toLowerCase(Locale.ROOT))) continue;
            String why = RowPolicy.exclusion(e);
            if (why != null) excluded.put(e, why);
            else rows.put(e, new RowStats());
        }
        List<Entry> covered = new ArrayList<>(rows.keySet());
        if (covered.isEmpty() && sequences == 0) return;
        Generator gen = new Generator(qemuAvailable);
        List<DiffCase> host = new ArrayList<>(), qemu = new ArrayList<>();
        for (int n = 0; n < cases - sequences && !covered.isEmpty(); n++) {
            Entry e = covered.get(n % covered.size());
            DiffCase c = draw(gen, e, n);
            if (c == null) continue;
            (c.oracle == Oracle.HOST ? host : qemu).add(c);
            RowStats s = rows.get(e);
            if (c.oracle == Oracle.HOST) s.host++;
            else s.qemu++;
        }
        Sequences pairs = new Sequences(gen);
        producerRows = pairs.producers.size();
        consumerRows = pairs.consumers.size();
        for (int n = cases - sequences; n < cases; n++) {
            DiffCase c = pairs.draw(n, caseRandom(seed, n));
            if (c == null) sequencesUndrawn++;
            else host.add(c);
        }
        Path dir = HarnessProcess.build(root);
        harnessDir = dir;
        @SuppressWarnings("unchecked")
        List<Protocol.Result>[] qr = new List[1];
        Exception[] qerr = new Exception[1];
        Thread qemuResults = Thread.ofPlatform().start(() -> {
            try {
                qr[0] = HarnessProcess.run(HarnessProcess.command(Oracle.QEMU, dir), qemu);
            } catch (Exception ex) {
                qerr[0] = ex;
            }
        });
        List<Protocol.Result> hr = HarnessProcess.run(HarnessProcess.command(Oracle.HOST, dir), host);
        ModelMachine model = new ModelMachine();
        check(model, host, hr);
        qemuResults.join();
        if (qerr[0] != null) throw qerr[0];
        check(model, qemu, qr[0]);
        for (Map.Entry<Entry, RowStats> r : rows.entrySet()) {
            if (cases > sequences && r.getValue().host + r.getValue().qemu == 0) uncovered.add(r.getKey());
        }
    }

    /** Case n of the run: a fresh generator from (seed, n), a few attempts at an encoding that fits. */
    DiffCase draw(Generator gen, Entry e, int n) {
        Random rnd = caseRandom(seed, n);
        for (int attempt = 0; attempt < 40; attempt++) {
            DiffCase c = gen.generate(e, n, rnd);
            if (c != null) return c;
        }
        return null;
    }

    private void check(ModelMachine model, List<DiffCase> cases, List<Protocol.Result> results) throws Exception {
        for (int k = 0; k < cases.size(); k++) {
            DiffCase c = cases.get(k);
            String d = Comparison.compare(c, results.get(k), model.run(c));
            if (c.producer != null) {
                sequenceCases++;
                if (d == null) continue;
                totalMismatches++;
                sequenceMismatches++;
                if (mismatches.size() < 200) mismatches.add(d);
                continue;
            }
            if (d != null && c.oracle == Oracle.QEMU && qemuFlakes < 100 && agreesAlone(model, c)) {
                qemuFlakes++;
                if (mismatches.size() < 200) mismatches.add("(qemu-i386 gave this once but not in a fresh process: not counted)\n" + d);
                continue;
            }
            if (d == null) continue;
            RowStats s = rows.get(c.entry);
            if (isKnown(c.entry, d)) {
                knownMismatches++;
                s.mismatches++;
                continue;
            }
            totalMismatches++;
            if (s.mismatches++ == 0) s.firstMismatch = d;
            if (mismatches.size() < 200) mismatches.add(d);
        }
    }

    /**
     * qemu-i386 very rarely runs a stale translation of the INT3-filled code region in a long
     * batch; a case it disagrees on is run again alone in a fresh process before it counts.
     */
    private boolean agreesAlone(ModelMachine model, DiffCase c) throws Exception {
        List<Protocol.Result> again = HarnessProcess.run(HarnessProcess.command(Oracle.QEMU, harnessDir), List.of(c));
        return Comparison.compare(c, again.get(0), model.run(c)) == null;
    }

    private boolean isKnown(Entry e, String report) {
        List<String> kinds = known.get(rowKey(e));
        if (kinds == null) return false;
        if (kinds.isEmpty()) return true;
        for (String line : report.split("\n")) {
            if (!line.startsWith("  MISMATCH ")) continue;
            if (kinds.stream().noneMatch(line::contains)) return false;
        }
        return true;
    }

    String coverageReport() {
        int hostRows = 0, qemuRows = 0, hostCases = 0, qemuCases = 0;
        for (RowStats s : rows.values()) {
            if (s.host > 0) hostRows++;
            if (s.qemu > 0) qemuRows++;
            hostCases += s.host;
            qemuCases += s.qemu;
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("differential run: seed %d, %d cases: %d on the host CPU, %d on qemu-i386%n", seed, cases,
                hostCases, qemuCases));
        b.append(String.format("rows: %d covered (%d by the host, %d by qemu-i386), %d excluded, %d uncovered%n",
                rows.size() - uncovered.size(), hostRows, qemuRows, excluded.size(), uncovered.size()));
        for (Map.Entry<Entry, String> x : excluded.entrySet()) b.append("  excluded: ").append(x.getKey()).append(" -- ").append(x.getValue()).append('\n');
        for (Entry u : uncovered) b.append("  UNCOVERED: ").append(u).append('\n');
        int bad = 0;
        for (Map.Entry<Entry, RowStats> r : rows.entrySet()) {
            RowStats s = r.getValue();
            if (s.mismatches > 0) {
                bad++;
                b.append(String.format("  %s: %s: %d of %d cases%n", known.containsKey(rowKey(r.getKey()))
                        ? "KNOWN MISMATCH (tests/harness/known-mismatches.txt)" : "MISMATCHING ROW", r.getKey(),
                        s.mismatches, s.host + s.qemu));
            }
        }
        if (sequences > 0) {
            b.append(String.format("sequences (one of %d flag-producer rows, then one of %d flag-consumer rows): %d cases on"
                    + " the host CPU, %d not drawn, %d mismatching%n", producerRows, consumerRows, sequenceCases,
                    sequencesUndrawn, sequenceMismatches));
        }
        b.append(String.format("%d mismatching cases (%d more in known rows) in %d rows; %d qemu-i386 results"
                + " not reproducible in a fresh process%n", totalMismatches, knownMismatches, bad, qemuFlakes));
        return b.toString();
    }
}
