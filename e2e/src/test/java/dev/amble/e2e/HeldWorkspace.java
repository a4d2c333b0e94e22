package dev.amble.e2e;

import dev.amble.ansible.LocalFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A project of one local host whose only job waits for a file: a rollout of its workspace {@code
 * fleet} holds the workspace (the mutex) until the test writes {@code go}.
 */
final class HeldWorkspace {
  private HeldWorkspace() {}

  /** The host {@code <prefix>01} and the Amblefile, in {@code dir}. */
  static void create(Path dir, String prefix, Path go) throws IOException {
    LocalFleet.create(dir, prefix, 1, (h, v) -> v.put("amble_state_become", false));
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          fleet: { host_pattern: fleet, workflow: patch, inventory: inventory.yml }
        workflows:
          patch: { jobs: [ { job: patch } ] }
        jobs:
          patch:
            become: false
            tasks:
              - ansible.builtin.wait_for: { path: "%s", timeout: 150 }
        """
            .formatted(go));
  }
}
