package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelining is on unless the operator chose, in ansible.cfg or the worker's environment; amble's
 * module and action plugin folders come first on Ansible's paths, then the operator's.
 */
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

  @Test
  void amblesPluginFoldersComeFirstThenAnsiblesDefaults() throws Exception {
    AnsibleInstallation ansible = LocalFleet.ansible();
    // An empty ansible.cfg named by the worker: not this machine's ~/.ansible.cfg or /etc/ansible.
    Path empty = Files.writeString(dir.resolve("empty.cfg"), "");
    Map<String, String> env = environment(Map.of("ANSIBLE_CONFIG", empty.toString()));
    assertEquals(
        ansible.actionPlugins() + ":~/.ansible/plugins/action:/usr/share/ansible/plugins/action",
        env.get("ANSIBLE_ACTION_PLUGINS"));
    assertEquals(
        ansible.library() + ":~/.ansible/plugins/modules:/usr/share/ansible/plugins/modules",
        env.get("ANSIBLE_LIBRARY"));
    Map<String, String> home =
        environment(Map.of("ANSIBLE_CONFIG", empty.toString(), "ANSIBLE_HOME", "/srv/ansible"));
    assertEquals(
        ansible.library() + ":/srv/ansible/plugins/modules:/usr/share/ansible/plugins/modules",
        home.get("ANSIBLE_LIBRARY"));
  }

  @Test
  void theOperatorsPluginFoldersStayAfterAmbles() throws Exception {
    AnsibleInstallation ansible = LocalFleet.ansible();
    Files.writeString(
        dir.resolve("ansible.cfg"),
        "[ssh_connection]\nlibrary = /not/this\n[defaults]\n# action_plugins = /commented\n"
            + "action_plugins = plugins/action:/srv/action ; ours\nLIBRARY: ~/mine:{{CWD}}/lib\n");
    Map<String, String> env = environment(Map.of());
    assertEquals(
        ansible.actionPlugins() + ":" + dir.resolve("plugins/action") + ":/srv/action",
        env.get("ANSIBLE_ACTION_PLUGINS"));
    assertEquals(ansible.library() + ":~/mine:{{CWD}}/lib", env.get("ANSIBLE_LIBRARY"));

    Map<String, String> fromWorker =
        environment(Map.of("ANSIBLE_ACTION_PLUGINS", "/w/action", "ANSIBLE_LIBRARY", "/w/lib"));
    assertEquals(ansible.actionPlugins() + ":/w/action", fromWorker.get("ANSIBLE_ACTION_PLUGINS"));
    assertEquals(ansible.library() + ":/w/lib", fromWorker.get("ANSIBLE_LIBRARY"));
  }

  @Test
  void withoutAnAnsibleCfgInTheFolderTheWorkersOneIsRead() throws Exception {
    AnsibleInstallation ansible = LocalFleet.ansible();
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("ansible.cfg"), "[DEFAULT]\nlibrary = lib\n");
    Map<String, String> env = environment(Map.of("ANSIBLE_CONFIG", elsewhere.toString()));
    assertEquals(ansible.library() + ":" + elsewhere.resolve("lib"), env.get("ANSIBLE_LIBRARY"));
  }
}
