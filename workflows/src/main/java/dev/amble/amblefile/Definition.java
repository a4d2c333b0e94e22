package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * One workspace of an Amblefile, resolved: its workflow and the jobs that workflow uses. This is a
 * rollout's input, so a running rollout does not see later edits of the file, and its history shows
 * exactly what ran.
 *
 * @param project the Amblefile's {@code project:} (part of the rollout's workflow ID, its mutex)
 */
public record Definition(
    String amblefile,
    String folder,
    String project,
    WorkspaceSpec workspace,
    WorkflowSpec workflow,
    Map<String, JobSpec> jobs) {

  /** A definition serialized before projects existed has none: it is the default project. */
  public Definition {
    project = project == null ? Amblefile.DEFAULT_PROJECT : project;
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
