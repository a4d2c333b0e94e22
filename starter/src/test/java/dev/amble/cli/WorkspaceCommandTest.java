package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceCommandTest {
  @TempDir Path dir;

  @BeforeEach
  void amblefile() throws Exception {
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          staging:
            host_pattern: "staging:&pod"
            workflow: upgrade
            concurrency: 2
          prod:
            host_pattern: prod
            workflow: upgrade
            require_limit: true
        workflows:
          upgrade:
            jobs:
              - job: upgrade
                options: { target_version: 12 }
            exit_jobs:
              - job: uncordon
        jobs:
          upgrade:
            required_options: [target_version]
            preconditions: int(facts.ansible_distribution_major_version) < options.target_version
            timeout: 90m
            tasks:
              - ansible.builtin.ping:
          uncordon:
            become: false
        """);
  }

  @Test
  void listShowsEveryWorkspaceAndMarksTheChosenOne() {
    CliRun before = CliRun.run(dir, "workspace", "list");
    assertEquals(0, before.code(), before.toString());
    assertEquals(
        "  staging  staging:&pod  (workflow upgrade)\n  prod     prod  (workflow upgrade)\n",
        before.out());
    CliRun use = CliRun.run(dir, "workspace", "use", "prod");
    assertEquals("Using workspace prod.\n", use.out());
    CliRun after = CliRun.run(dir, "workspace", "list");
    assertTrue(after.out().contains("* prod"), after.out());
  }

  @Test
  void anUnknownWorkspaceIsBadInput() {
    CliRun run = CliRun.run(dir, "workspace", "use", "prdo");
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("amble: no workspace named \"prdo\""), run.err());
  }

  @Test
  void commandsNeedAChoiceWhenSeveralWorkspacesExist() {
    CliRun run = CliRun.run(dir, "workspace", "show");
    assertEquals(2, run.code());
    assertEquals(
        "amble: several workspaces are defined (prod, staging); choose one with `amble workspace"
            + " use NAME` or -w NAME\n",
        run.err());
    CliRun env = CliRun.run(dir, Map.of("AMBLE_WORKSPACE", "staging"), "workspace", "show");
    assertEquals(0, env.code(), env.toString());
    assertTrue(env.out().contains("walk         shuffle, 2 at a time"), env.out());
    assertTrue(env.out().contains("options: {\"target_version\":12}"), env.out());
    assertTrue(env.out().contains("exit jobs"), env.out());
  }

  @Test
  void dumpPrintsTheResolvedDefinition() {
    CliRun run = CliRun.run(dir, "workspace", "dump", "prod");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("hostPattern: prod"), run.out());
    assertTrue(run.out().contains("requireLimit: true"), run.out());
    assertTrue(run.out().contains("timeout: PT1H30M"), run.out());
  }

  @Test
  void aMissingAmblefileSaysWhereItLooked() {
    CliRun run = CliRun.run(dir.resolve("nowhere"), "plan");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("no Amblefile at "), run.err());
    assertTrue(run.err().contains("Give one with -f FILE"), run.err());
  }
}
