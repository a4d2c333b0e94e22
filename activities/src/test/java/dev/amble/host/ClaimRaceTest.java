package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.Playbooks;
import dev.amble.ansible.ProcessRunner;
import dev.amble.worker.HostActivitiesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workspaces claim one host at the same moment, 50 times: each round both claims are released
 * together from a barrier, each as its own ansible-playbook process (the claim play of a job with
 * no tasks, the smallest real run of the claim), racing on the same lock file. Exactly one wins
 * each round; the other is told the host is locked. Between rounds the lock is removed, as a
 * finished host's lock is.
 */
class ClaimRaceTest {
  static final int ROUNDS = 50;

  static final String AMBLEFILE =
      """
      workspaces:
        alpha:
          host_pattern: fleet
          workflow: claim
          inventory: inventory.yml
        beta:
          host_pattern: fleet
          workflow: claim
          inventory: inventory.yml
      workflows:
        claim:
          jobs:
            - job: nothing
      jobs:
        nothing:
          become: false
      """;

  @TempDir static Path dir;
  static LocalFleet fleet;
  static HostActivitiesImpl host;
  static ExecutorService claimers;

  @BeforeAll
  static void setUp() {
    // No become: the race is on the file, and su would only slow every claim down.
    fleet =
        LocalFleet.create(dir, "racy", 1, (name, vars) -> vars.put("amble_state_become", false));
    host =
        new HostActivitiesImpl(
            new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv()),
            "race@controller",
            Clock.systemUTC());
    claimers = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void tearDown() {
    claimers.shutdownNow();
  }

  @Test
  void exactlyOneOfTwoSimultaneousClaimsWins() throws Exception {
    Definition alpha = Definitions.write(dir, "alpha", AMBLEFILE);
    Definition beta = Definitions.write(dir, "beta", AMBLEFILE);
    String name = fleet.hosts().get(0);
    Path lock = fleet.stateDir(name).resolve("amble_lock.fact");
    List<String> winners = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      CyclicBarrier start = new CyclicBarrier(2);
      int r = round;
      Future<RunResult> a = claimers.submit(() -> claim(start, alpha, name, r));
      Future<RunResult> b = claimers.submit(() -> claim(start, beta, name, r));
      RunResult ra = a.get();
      RunResult rb = b.get();
      String seen = "round " + round + ":\n  alpha " + ra + "\n  beta " + rb;
      assertTrue(
          ra.ok() != rb.ok(),
          "exactly one claim must win, " + (ra.ok() ? "both" : "none") + " won " + seen);
      RunResult lost = ra.ok() ? rb : ra;
      String winner = ra.ok() ? "alpha" : "beta";
      assertEquals(RunStatus.LOCKED, lost.status(), seen);
      assertEquals(Playbooks.REFUSE_LOCKED, lost.task(), seen);
      assertTrue(lost.message().startsWith("locked by workspace " + winner + " since "), seen);
      assertEquals(
          winner, new ObjectMapper().readTree(lock.toFile()).get("workspace").asText(), seen);
      winners.add(winner);
      Files.delete(lock); // released, as finishing the host does
    }
    // Not a test of fairness, but a round robin or a fixed winner would hint at no race at all.
    System.out.println("winners: " + winners);
  }

  private static RunResult claim(CyclicBarrier start, Definition d, String name, int round)
      throws Exception {
    HostTarget target =
        new HostTarget(d.workspace().name(), d.folder(), d.workspace().inventory(), name);
    Definition.Step first = d.steps().get(0);
    JobRequest request =
        new JobRequest(
            target,
            first,
            false,
            Optional.of(new Claim("claim", d.workspace().name() + "-" + round, false)));
    start.await();
    return host.runJob(request);
  }
}
