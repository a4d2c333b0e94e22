package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.content.ContentRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One workspace of an Amblefile, resolved: its workflow and the jobs that workflow uses. This is a
 * rollout's input, so a running rollout does not see later edits of the file, and its history shows
 * exactly what ran.
 *
 * @param project the Amblefile's {@code project:} (part of the rollout's workflow ID, its mutex)
 * @param content the Ansible content the rollout runs (the folder, packed); empty in definitions of
 *     rollouts started before content travelled with them
 */
public record Definition(
    String amblefile,
    String folder,
    String project,
    WorkspaceSpec workspace,
    WorkflowSpec workflow,
    Map<String, JobSpec> jobs,
    Optional<ContentRef> content) {

  /**
   * A definition serialized before projects existed has none: it is the default project; before
   * content travelled, it has no content.
   */
  public Definition {
    project = project == null ? Amblefile.DEFAULT_PROJECT : project;
    content = content == null ? Optional.empty() : content;
  }

  /** A definition before its content is packed (the CLI adds it when it starts a rollout). */
  public Definition(
      String amblefile,
      String folder,
      String project,
      WorkspaceSpec workspace,
      WorkflowSpec workflow,
      Map<String, JobSpec> jobs) {
    this(amblefile, folder, project, workspace, workflow, jobs, Optional.empty());
  }

  /** The same definition, run with the given content. */
  public Definition withContent(ContentRef ref) {
    return new Definition(amblefile, folder, project, workspace, workflow, jobs, Optional.of(ref));
  }

  /**
   * The same definition, its workspace without maintenance windows (amble run --ignore-windows).
   */
  public Definition withoutWindows() {
    return new Definition(
        amblefile, folder, project, workspace.withoutWindows(), workflow, jobs, content);
  }

  /**
   * What a host walk needs of this definition: the workflow and the jobs it uses, the workspace
   * without its notifications, and the strategy's host settings (unreachable hosts, host checks)
   * without the rollout's (waves, budgets, wave and continuous checks). It is each walk's input,
   * twice in history per host (the rollout's start of the walk, the walk's own start): what only
   * the rollout reads stays in the rollout's input, once.
   */
  public Definition forWalk() {
    Map<String, JobSpec> used = new java.util.TreeMap<>();
    for (JobUse use : workflow.jobs()) {
      used.put(use.job(), jobs.get(use.job()));
    }
    for (JobUse use : workflow.exitJobs()) {
      used.put(use.job(), jobs.get(use.job()));
    }
    return new Definition(amblefile, folder, project, workspace.forWalk(), workflow, used, content);
  }

  /** A job as one use of it runs: the job and its options with the use's overrides applied. */
  public record Step(int index, JobSpec job, ObjectNode options, boolean exit) {}

  public List<Step> steps() {
    return steps(workflow.jobs(), false);
  }

  public List<Step> exitSteps() {
    return steps(workflow.exitJobs(), true);
  }

  private List<Step> steps(List<JobUse> uses, boolean exit) {
    java.util.ArrayList<Step> steps = new java.util.ArrayList<>();
    for (JobUse use : uses) {
      JobSpec job = jobs.get(use.job());
      ObjectNode options = job.options().deepCopy();
      options.setAll(use.options());
      steps.add(new Step(steps.size(), job, options, exit));
    }
    return List.copyOf(steps);
  }
}
