package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's Ansible check runs the real programs once, so each way of breaking them is broken
 * for real here: programs that exit 1, an inventory plugin that does not exist (by variable and by
 * ansible.cfg), amble's module and callback plugin missing or unloadable.
 */
class AnsiblePreflightTest {
  @TempDir Path dir;

  final AnsibleInstallation real = LocalFleet.ansible();

  static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("ANSIBLE_"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  String problem(AnsibleInstallation ansible, Map<String, String> env) {
    Optional<String> problem = AnsiblePreflight.problem(ansible, env, dir);
    assertTrue(problem.isPresent(), "the check passed");
    return problem.get();
  }

  static void assertContains(String expected, String actual) {
    assertTrue(actual.contains(expected), "expected «" + expected + "» in: " + actual);
  }

  @Test
  void theProjectsAnsiblePasses() throws IOException {
    assertEquals(Optional.empty(), AnsiblePreflight.problem(real, env(), dir));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "a passed check leaves nothing");
    }
  }

  @Test
  void anInventoryPluginThatDoesNotExistIsNamed() {
    String problem = problem(real, env("ANSIBLE_INVENTORY_ENABLED", "no_such_plugin"));
    assertContains("ansible-inventory cannot read a one-host YAML inventory (exit 1)", problem);
    assertContains("no_such_plugin", problem);
    assertContains("ANSIBLE_INVENTORY_ENABLED", problem);
  }

  @Test
  void anAnsibleCfgThatBreaksTheInventoryIsCaught() throws IOException {
    Path cfg = Files.writeString(dir.resolve("ansible.cfg"), "[inventory]\nenable_plugins = ini\n");
    String problem = problem(real, env("ANSIBLE_CONFIG", cfg.toString()));
    assertContains("ansible-inventory cannot read", problem);
    assertContains("ansible.cfg", problem);
  }

  @Test
  void anAnsibleInventoryThatFailsToRunIsCaught() throws IOException {
    Path bin = fakeBin("echo \"ModuleNotFoundError: No module named 'ansible'\" >&2; exit 1", null);
    String problem = problem(installation(bin, real.support()), env());
    assertContains("ansible-inventory cannot read a one-host YAML inventory (exit 1)", problem);
    assertContains("No module named 'ansible'", problem);
  }

  @Test
  void anAnsiblePlaybookThatFailsToRunIsCaught() throws IOException {
    Path bin = fakeBin(null, "echo 'bad interpreter' >&2; exit 1");
    String problem = problem(installation(bin, real.support()), env());
    assertContains(
        "ansible-playbook cannot run a playbook with amble's module amble_lock", problem);
    assertContains("(exit 1)", problem);
    assertContains("bad interpreter", problem);
    assertContains("setup-ansible", problem);
  }

  @Test
  void aMissingAmbleLockModuleIsCaught() throws IOException {
    Path support = supportCopy();
    Files.delete(support.resolve("library/amble_lock.py"));
    String problem = problem(installation(real.bin(), support), env());
    assertContains(
        "ansible-playbook cannot run a playbook with amble's module amble_lock", problem);
    // amble's action plugin of the same name is found, and then the module it sends is not.
    assertContains("The module amble_lock was not found in configured module paths", problem);
  }

  @Test
  void aMissingCallbackPluginIsCaught() throws IOException {
    Path support = supportCopy();
    Files.delete(support.resolve("callback_plugins/amble_events.py"));
    String problem = problem(installation(real.bin(), support), env());
    assertContains("did not load amble's callback plugin amble_events", problem);
  }

  @Test
  void aCallbackPluginThatFailsToImportIsCaught() throws IOException {
    Path support = supportCopy();
    Files.writeString(
        support.resolve("callback_plugins/amble_events.py"),
        "raise ImportError('amble_events is broken')\n");
    String problem = problem(installation(real.bin(), support), env());
    assertContains(
        "ansible-playbook cannot run a playbook with amble's module amble_lock", problem);
    assertContains("amble_events is broken", problem);
  }

  @Test
  void aCallbackDisabledByTheWorkersEnvironmentIsOverriddenNotFatal() {
    // amble enables its own callback per command: a worker's own setting does not remove it.
    assertEquals(
        Optional.empty(),
        AnsiblePreflight.problem(real, env("ANSIBLE_CALLBACKS_ENABLED", "profile_tasks"), dir));
  }

  AnsibleInstallation installation(Path bin, Path support) {
    return new AnsibleInstallation(bin, real.python(), support);
  }

  /** A bin folder with the real programs, except those given a script here. */
  Path fakeBin(String inventoryScript, String playbookScript) throws IOException {
    Path bin = Files.createDirectory(dir.resolve("bin"));
    program(bin, "ansible-inventory", inventoryScript);
    program(bin, "ansible-playbook", playbookScript);
    return bin;
  }

  void program(Path bin, String name, String script) throws IOException {
    Path p = bin.resolve(name);
    if (script == null) {
      Files.createSymbolicLink(p, real.program(name));
      return;
    }
    Files.writeString(p, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
  }

  /** A copy of amble's support files, to break. */
  Path supportCopy() throws IOException {
    Path copy = dir.resolve("support");
    try (Stream<Path> files = Files.walk(real.support())) {
      for (Path f : files.toList()) {
        Path target = copy.resolve(real.support().relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return copy;
  }
}
