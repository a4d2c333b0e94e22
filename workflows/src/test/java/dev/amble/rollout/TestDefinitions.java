package dev.amble.rollout;

import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Definitions and requests for workflow tests, from Amblefile text (validated as for real). */
final class TestDefinitions {
  private TestDefinitions() {}

  static final String UPGRADE =
      """
      workspaces:
        fleet:
          host_pattern: fleet
          workflow: upgrade
          sort_order: %s
          concurrency: %d
      workflows:
        upgrade:
          jobs:
            - job: drain
            - job: upgrade
              options: { target_version: 12 }
            - job: reboot
          exit_jobs:
            - job: uncordon
      jobs:
        drain: { tasks: [ { ansible.builtin.ping: {} } ] }
        upgrade:
          preconditions: int(facts.ansible_distribution_major_version) < options.target_version
          tasks: [ { ansible.builtin.ping: {} } ]
        reboot: { tasks: [ { ansible.builtin.ping: {} } ] }
        uncordon: { tasks: [ { ansible.builtin.ping: {} } ] }
      """;

  static Definition upgrade(String sortOrder, int concurrency) {
    try {
      return AmblefileLoader.parse(
              Path.of("/virtual/Amblefile.yml"),
              "Amblefile.yml",
              UPGRADE.formatted(sortOrder, concurrency))
          .definition("fleet");
    } catch (AmblefileException e) {
      throw new IllegalArgumentException(e.report(), e);
    }
  }

  static RolloutRequest request(Definition d, long seed) {
    return request(d, seed, RolloutRequest.DEFAULT_EVENTS_PER_RUN);
  }

  /** A request that continues as new at {@code eventsPerRun} events of history. */
  static RolloutRequest request(Definition d, long seed, int eventsPerRun) {
    return new RolloutRequest(
        d,
        Optional.empty(),
        seed,
        d.workspace().concurrency(),
        false,
        false,
        "tester@test",
        Duration.ofSeconds(30),
        eventsPerRun,
        false);
  }
}
