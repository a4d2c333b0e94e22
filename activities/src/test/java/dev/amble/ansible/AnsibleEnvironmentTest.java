package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelining is on unless the operator chose, in ansible.cfg or the worker's environment. */
class AnsibleEnvironmentTest {
  @TempDir Path dir;

  Map<String, String> environment(Map<String, String> worker) {
    ProcessRunner runner = new ProcessRunner(LocalFleet.ansible(), Optional.empty(), worker);
    return AnsibleEnvironment.forWorkspace(
        runner, dir, WorkspaceDir.of(dir, "ws"), Optional.empty());
  }

  @Test
  void pipeliningIsOnByDefault() {
    assertEquals("True", environment(Map.of()).get(AnsibleEnvironment.PIPELINING));
  }

  @Test
  void anAnsibleCfgThatSetsPipeliningDecides() throws Exception {
    Files.writeString(
        dir.resolve("ansible.cfg"),
        "[defaults]\nforks = 5\n\n[connection]\n  Pipelining = False\n");
    assertFalse(environment(Map.of()).containsKey(AnsibleEnvironment.PIPELINING));
  }

  @Test
  void aCommentOrAnotherSettingIsNotAChoice() throws Exception {
    Files.writeString(
        dir.resolve("ansible.cfg"), "[defaults]\n# pipelining = False\nssh_pipelining_x = 1\n");
    assertEquals("True", environment(Map.of()).get(AnsibleEnvironment.PIPELINING));
  }

  @Test
  void theWorkersEnvironmentDecides() {
    assertFalse(
        environment(Map.of("ANSIBLE_PIPELINING", "False"))
            .containsKey(AnsibleEnvironment.PIPELINING));
    assertFalse(
        environment(Map.of("ANSIBLE_SSH_PIPELINING", "False"))
            .containsKey(AnsibleEnvironment.PIPELINING));
  }
}
