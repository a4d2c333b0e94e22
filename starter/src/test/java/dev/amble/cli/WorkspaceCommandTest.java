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

  /** A warning of the Amblefile is printed on stderr, and the command goes on. */
  @Test
  void aJobThatCanRunFarPastItsWindowIsAWarning() throws Exception {
    String text = Files.readString(dir.resolve("Amblefile.yml"));
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        text.replace(
            "    require_limit: true\n",
            "    require_limit: true\n"
                + "    windows: { time_zone: UTC, allow: [ { from: \"01:00\", to: \"05:00\" } ] }\n"));
    CliRun run = CliRun.run(dir, "workspace", "list");
    assertEquals(0, run.code(), run.toString());
    assertEquals(
        "Amblefile.yml:10:14: workspaces.prod.windows: warning: job upgrade's timeout of 1h30m can"
            + " carry a host up to 1h30m past the end of a window (cutoff 0s); a longer cutoff or"
            + " a shorter timeout keeps hosts inside\n",
        run.err());
  }
}
