package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.host.HostTarget;
import dev.amble.host.JobRequest;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.worker.HostActivitiesImpl;
import dev.amble.worker.WorkspaceActivitiesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ansible's syntax check of a rollout's playbooks (the activity, with the real ansible-playbook):
 * broken content fails it with Ansible's own error, the file and line, and the excerpt; content
 * that is fine passes, in one ansible-playbook run for every job and health check.
 */
class SyntaxCheckActivityTest {
  @TempDir Path dir;

  private final ProcessRunner runner =
      new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv());
  private final WorkspaceActivitiesImpl activities =
      new WorkspaceActivitiesImpl(runner, Optional.empty());

  private static final String MISSING_ROLE =
      """
      workspaces:
        web: { host_pattern: fleet, workflow: motd, inventory: inventory.yml }
      workflows:
        motd: { jobs: [ { job: motd } ] }
      jobs:
        motd: { become: false, playbooks: [ site.yml ] }
      """;

  private Definition missingRole(Path folder) throws Exception {
    Files.createDirectories(folder);
    Files.writeString(
        folder.resolve("site.yml"),
        """
        - hosts: all
          gather_facts: false
          roles:
            - motd
        """);
    return amblefile(MISSING_ROLE);
  }

  /** The workspace web of the Amblefile, with an empty inventory unless the test made one. */
  private Definition amblefile(String text) throws Exception {
    if (!Files.exists(dir.resolve("inventory.yml"))) {
      Files.writeString(dir.resolve("inventory.yml"), "all: {}\n");
    }
    return Definitions.write(dir, "web", text);
  }

  @Test
  void aRoleAnsibleCannotFindFailsTheCheckWithItsErrorFileAndLine() throws Exception {
    Definition d = missingRole(dir);
    SyntaxCheckResult r = activities.checkSyntax(new SyntaxCheckRequest(d));
    assertFalse(r.passed(), r.toString());
    assertTrue(r.error().startsWith("[ERROR]: the role 'motd' was not found in "), r.error());
    assertEquals(dir.resolve("site.yml") + ":4:7", r.origin());
    assertTrue(r.excerpt().stream().anyMatch(l -> l.contains("- motd")), r.excerpt().toString());
    assertTrue(
        r.excerpt().get(r.excerpt().size() - 1).contains("^ column 7"), r.excerpt().toString());
    assertTrue(r.describe().startsWith("[ERROR]: the role 'motd'"), r.describe());
  }

  @Test
  void aYamlErrorInATasksFileFailsTheCheckWithItsFileAndLine() throws Exception {
    Files.createDirectories(dir.resolve("tasks"));
    Files.writeString(
        dir.resolve("tasks/upgrade.yml"),
        """
        - name: upgrade
          ansible.builtin.debug: { msg: hi }
           when: true
        """);
    Definition d =
        amblefile(
            """
            workspaces:
              web: { host_pattern: fleet, workflow: up, inventory: inventory.yml }
            workflows:
              up: { jobs: [ { job: ping }, { job: upgrade } ] }
            jobs:
              ping: { become: false, tasks: [ { ansible.builtin.ping: {} } ] }
              upgrade: { become: false, tasks_file: tasks/upgrade.yml }
            """);
    SyntaxCheckResult r = activities.checkSyntax(new SyntaxCheckRequest(d));
    assertFalse(r.passed(), r.toString());
    assertTrue(r.error().startsWith("[ERROR]: YAML parsing failed"), r.error());
    assertEquals(dir.resolve("tasks/upgrade.yml") + ":3:4", r.origin());
  }

  @Test
  void contentThatIsFinePassesInOneAnsibleRun() throws Exception {
    Files.createDirectories(dir.resolve("roles/motd/tasks"));
    Files.writeString(
        dir.resolve("roles/motd/tasks/main.yml"), "- ansible.builtin.debug: { msg: motd }\n");
    Files.writeString(
        dir.resolve("site.yml"), "- hosts: all\n  gather_facts: false\n  roles: [ motd ]\n");
    Files.createDirectories(dir.resolve("tasks"));
    Files.writeString(dir.resolve("tasks/apt.yml"), "- ansible.builtin.debug: { msg: apt }\n");
    Definition d =
        amblefile(
            """
            workspaces:
              web:
                host_pattern: fleet
                workflow: up
                inventory: inventory.yml
                pre_checks:
                  host:
                    - { name: lb, hosts: lbs, tasks: [ { ansible.builtin.ping: {} } ] }
            workflows:
              up:
                jobs: [ { job: motd }, { job: upgrade, options: { manager: apt } } ]
                exit_jobs: [ { job: ping } ]
            jobs:
              ping: { become: false, tasks: [ { ansible.builtin.ping: {} } ] }
              motd: { become: false, playbooks: [ site.yml ] }
              upgrade:
                become: false
                required_options: [ manager ]
                tasks: [ { ansible.builtin.import_tasks: "tasks/{{ manager }}.yml" } ]
            """);
    SyntaxCheckResult r = activities.checkSyntax(new SyntaxCheckRequest(d));
    assertTrue(r.passed(), r.toString());
    List<String> runs =
        Files.readAllLines(Path.of(r.log())).stream()
            .filter(l -> l.startsWith("# amble: ") && l.contains("--syntax-check"))
            .toList();
    assertEquals(1, runs.size(), "ansible-playbook runs: " + runs);
    for (String playbook : List.of("motd", "upgrade", "ping", "check.lb")) {
      assertTrue(runs.get(0).contains(".amble-web." + playbook + ".yml"), runs.get(0));
    }
  }

  @Test
  void aHostsJobFailureLeadsWithAnsiblesOwnError() throws Exception {
    LocalFleet fleet = LocalFleet.create(dir, "node", 1, (h, v) -> {});
    Definition d = missingRole(dir);
    RunResult r =
        new HostActivitiesImpl(runner, "test@controller", Clock.systemUTC())
            .runJob(
                new JobRequest(
                    new HostTarget(
                        "web", d.folder(), d.workspace().inventory(), fleet.hosts().get(0)),
                    new Definition.Step(
                        0, d.jobs().get("motd"), new ObjectMapper().createObjectNode(), false),
                    false,
                    Optional.empty()));
    assertEquals(RunStatus.FAILED, r.status(), r.toString());
    assertTrue(r.message().startsWith("[ERROR]: the role 'motd' was not found in "), r.message());
    assertTrue(
        r.message().contains("| Origin: " + dir.resolve("site.yml") + ":4:7 |"), r.message());
    assertTrue(r.describe().startsWith("failed: [ERROR]: the role 'motd'"), r.describe());
  }
}
