package dev.amble.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulated executor's ledger against the inventory: every host prepared exactly once (the
 * unreachable and failed ones too), its job run once unless it was unreachable, finish called once
 * on the hosts that succeeded and never on the others. After a worker kill, the hosts whose walk
 * was open at the kill may have run a step twice (counted as re-run); any other host that appears
 * after the kill had finished its walk and was walked again.
 */
final class LedgerCheck {
  final List<String> problems = new ArrayList<>();
  int rerun;
  int walkedAgain;
  int lines;

  static final List<String> STEPS = List.of("prepare", "job", "finish");

  static LedgerCheck of(SimFleet fleet, Path ledger, Set<String> inFlight, long killMark)
      throws IOException {
    LedgerCheck c = new LedgerCheck();
    Map<String, int[]> counts = new HashMap<>();
    Set<String> afterKill = new HashSet<>();
    Set<String> beforeKill = new HashSet<>();
    byte[] all = Files.readAllBytes(ledger);
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] != '\n') {
        continue;
      }
      String line = new String(all, start, i - start, StandardCharsets.UTF_8);
      boolean after = killMark >= 0 && start >= killMark;
      start = i + 1;
      c.lines++;
      String[] f = line.split("\t");
      int step = f.length >= 2 ? STEPS.indexOf(f[1]) : -1;
      if (step < 0) {
        c.problems.add("a line that is not host, step: '" + line + "'");
        continue;
      }
      counts.computeIfAbsent(f[0], h -> new int[3])[step]++;
      (after ? afterKill : beforeKill).add(f[0]);
    }
    if (start != all.length) {
      c.problems.add("the ledger ends with a partial line");
    }
    Set<String> inventory = new HashSet<>(fleet.names());
    for (String h : counts.keySet()) {
      if (!inventory.contains(h)) {
        c.problems.add(h + ": in the ledger, not in the inventory");
      }
    }
    for (String h : fleet.names()) {
      SimFleet.Fate fate = fleet.fate(h);
      // The bench's Amblefile has no precondition, so walks do not prepare: each host's one run
      // (its claim, where an unreachable host does not answer), and the finish if it went well.
      int[] want = {0, 1, fate == SimFleet.Fate.OK ? 1 : 0};
      int[] got = counts.getOrDefault(h, new int[3]);
      boolean twice = false;
      for (int s = 0; s < 3; s++) {
        if (got[s] == want[s]) {
          continue;
        }
        if (inFlight.contains(h) && want[s] == 1 && got[s] == 2) {
          twice = true;
          continue;
        }
        c.problems.add(
            h
                + " ("
                + fate
                + "): "
                + STEPS.get(s)
                + " "
                + got[s]
                + " times, expected "
                + want[s]
                + (inFlight.contains(h) ? " (open at the kill)" : ""));
      }
      if (twice) {
        c.rerun++;
      }
      if (killMark >= 0
          && beforeKill.contains(h)
          && afterKill.contains(h)
          && !inFlight.contains(h)) {
        c.walkedAgain++;
        c.problems.add(h + ": its walk was closed at the kill, and it was walked again after it");
      }
    }
    return c;
  }

  static long size(Path p) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      return f.length();
    }
  }
}
