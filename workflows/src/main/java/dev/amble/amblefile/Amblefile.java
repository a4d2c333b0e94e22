package dev.amble.amblefile;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded and validated Amblefile.yml.
 *
 * @param file the file's absolute path
 * @param folder its folder: relative paths in it resolve against this, and amble keeps its state
 *     under {@code folder/.amble/}
 * @param project the top-level {@code project:}, {@value #DEFAULT_PROJECT} when not given: with the
 *     workspace's name it makes the rollout's workflow ID, {@code amble/PROJECT/WORKSPACE}, which
 *     is the mutex (the same project from any checkout shares it)
 * @param warnings what the operator should know that does not keep the file from loading, each
 *     printed as {@code FILE:LINE:COL: path: warning: message}
 */
public record Amblefile(
    String file,
    String folder,
    String project,
    Map<String, WorkspaceSpec> workspaces,
    Map<String, WorkflowSpec> workflows,
    Map<String, JobSpec> jobs,
    List<AmblefileProblem> warnings) {

  /** The project of an Amblefile without a {@code project:} key. */
  public static final String DEFAULT_PROJECT = "default";

  public Optional<WorkspaceSpec> workspace(String name) {
    return Optional.ofNullable(workspaces.get(name));
  }

  /** Everything a rollout of the workspace needs, with nothing left to look up in the file. */
  public Definition definition(String workspaceName) {
    WorkspaceSpec workspace = workspaces.get(workspaceName);
    if (workspace == null) {
      throw new IllegalArgumentException("no workspace named " + workspaceName);
    }
    WorkflowSpec workflow = workflows.get(workspace.workflow());
    Map<String, JobSpec> used = new java.util.TreeMap<>();
    workflow.jobs().forEach(u -> used.put(u.job(), jobs.get(u.job())));
    workflow.exitJobs().forEach(u -> used.put(u.job(), jobs.get(u.job())));
    return new Definition(file, folder, project, workspace, workflow, used);
  }
}
