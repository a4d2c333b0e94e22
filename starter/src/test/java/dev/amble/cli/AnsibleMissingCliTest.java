package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.common.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that runs Ansible here checks first that it runs: a missing or broken Ansible ends it
 * before it starts anything, with one line that says what to do, and exit code 2.
 */
class AnsibleMissingCliTest {
  @TempDir Path dir;
  Path bin;

  static final List<List<String>> COMMANDS =
      List.of(
          List.of("plan"),
          List.of("init"),
          List.of("run", "--embedded"),
          List.of("check", "--embedded"),
          List.of("worker"));

  @BeforeEach
  void amblefile() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    bin = Files.createDirectory(dir.resolve("bin"));
  }

  void program(String name, String script) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
  }

  void refusedInOneLine(String expected) {
    for (List<String> command : COMMANDS) {
      CliRun run =
          CliRun.run(
              dir, Map.of("AMBLE_ANSIBLE_BIN", bin.toString()), command.toArray(String[]::new));
      assertEquals(ExitCode.BAD_INPUT, run.code(), command + ": " + run);
      assertEquals("", run.out(), command + ": " + run);
      assertEquals(1, run.err().lines().count(), command + ": " + run);
      assertTrue(run.err().startsWith("amble: " + expected), command + ": " + run);
      assertTrue(run.err().contains("scripts/setup-ansible"), command + ": " + run);
      assertFalse(run.err().contains("embedded Temporal"), command + ": started a server: " + run);
    }
  }

  @Test
  void aMissingAnsibleInventoryIsOneLineBeforeAnythingStarts() throws IOException {
    program("ansible-playbook", "exit 0");
    refusedInOneLine("ansible-inventory not found in " + bin + ".");
  }

  @Test
  void anAnsibleThatDoesNotRunIsOneLineBeforeAnythingStarts() throws IOException {
    program("ansible-playbook", "exit 0");
    program("ansible-inventory", "echo 'broken install' >&2; exit 3");
    refusedInOneLine(bin.resolve("ansible-inventory") + " --version failed (exit 3).");
  }

  @Test
  void runEmbeddedAsksOnlyWhatItsSyntaxCheckDidNotRunForItsVersion() throws IOException {
    Path calls = dir.resolve("calls");
    program("ansible-playbook", "echo \"$@\" >> '" + calls + "'; exit 0");
    program("ansible-inventory", "echo 'broken install' >&2; exit 3");
    CliRun run = CliRun.run(dir, Map.of("AMBLE_ANSIBLE_BIN", bin.toString()), "run", "--embedded");
    assertEquals(ExitCode.BAD_INPUT, run.code(), run.toString());
    assertTrue(
        run.err().startsWith("amble: " + bin.resolve("ansible-inventory") + " --version failed"),
        run.toString());
    List<String> ran = Files.readAllLines(calls);
    assertTrue(ran.stream().anyMatch(c -> c.contains("--syntax-check")), ran.toString());
    assertFalse(ran.contains("--version"), "asked again after its syntax check: " + ran);
  }
}
