package dev.amble.amblefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AmblefileLoaderTest {
  static final Path VALID = Path.of("src/test/resources/amblefiles/valid/Amblefile.yml");

  @Test
  void readsEveryKeyOfSchemaOne() throws Exception {
    Amblefile a = AmblefileLoader.load(VALID, "Amblefile.yml");
    Path folder = VALID.toAbsolutePath().getParent();

    WorkspaceSpec staging = a.workspaces().get("staging-pods");
    assertEquals(
        new WorkspaceSpec(
            "staging-pods",
            "staging:&pod",
            "dist-upgrade",
            SortOrder.ASCENDING,
            3,
            true,
            Optional.of(folder.resolve("inventory.yml").toString())),
        staging);
    WorkspaceSpec everything = a.workspaces().get("everything");
    assertEquals(SortOrder.SHUFFLE, everything.sortOrder());
    assertEquals(1, everything.concurrency());
    assertFalse(everything.requireLimit());
    assertEquals(Optional.empty(), everything.inventory());

    WorkflowSpec w = a.workflows().get("dist-upgrade");
    assertFalse(w.alwaysRetryFailedHosts());
    assertEquals(
        List.of("pre-tasks", "dist-upgrade", "post-tasks"),
        w.jobs().stream().map(JobUse::job).toList());
    assertEquals(List.of("uncordon"), w.exitJobs().stream().map(JobUse::job).toList());

    JobSpec pre = a.jobs().get("pre-tasks");
    assertFalse(pre.become());
    assertEquals(JobSpec.ALWAYS, pre.preconditions());
    assertEquals(JobSpec.DEFAULT_TIMEOUT, pre.timeout());
    JobTasks.Inline inline = assertInstanceOf(JobTasks.Inline.class, pre.tasks());
    assertEquals("hello {{ inventory_hostname }}", inline.tasks().get(0).at("/ansible.builtin.debug/msg").asText());

    JobSpec upgrade = a.jobs().get("dist-upgrade");
    assertTrue(upgrade.become());
    assertEquals(Duration.ofMinutes(150), upgrade.timeout());
    assertEquals(List.of("target_version"), upgrade.requiredOptions());
    assertTrue(upgrade.preconditions().startsWith("facts.ansible_distribution == \"Debian\" &&"));

    assertEquals(
        new JobTasks.TasksFile(folder.resolve("dist_upgrade/main.yml").toString()),
        a.jobs().get("post-tasks").tasks());
    assertEquals(
        new JobTasks.Playbooks(List.of(folder.resolve("dist_upgrade/main.yml").toString())),
        a.jobs().get("uncordon").tasks());
  }

  @Test
  void aDefinitionAppliesEachUsesOptionsOverTheJobDefaults() throws Exception {
    Definition d = AmblefileLoader.load(VALID, "Amblefile.yml").definition("staging-pods");
    assertEquals(4, d.jobs().size());
    Definition.Step upgrade = d.steps().get(1);
    assertEquals("dist-upgrade", upgrade.job().name());
    assertEquals(12, upgrade.options().get("target_version").asInt());
    assertTrue(upgrade.options().get("reboot").asBoolean());
    assertEquals(1, d.exitSteps().size());
    assertTrue(d.exitSteps().get(0).exit());
  }
}
