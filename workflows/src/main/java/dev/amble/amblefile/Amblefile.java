package dev.amble.amblefile;

import java.util.Map;
import java.util.Optional;

/**
 * A loaded and validated Amblefile.yml.
 *
 * @param file the file's absolute path
 * @param folder its folder: relative paths in it resolve against this, and amble keeps its state
 *     under {@code folder/.amble/}
 */
public record Amblefile(
    String file,
    String folder,
    Map<String, WorkspaceSpec> workspaces,
    Map<String, WorkflowSpec> workflows,
    Map<String, JobSpec> jobs) {

  public Optional<WorkspaceSpec> workspace(String name) {
    return Optional.ofNullable(workspaces.get(name));
  }

  /** Everything a run of the workspace needs, with nothing left to look up in the file. */
  public Definition definition(String workspaceName) {
    WorkspaceSpec workspace = workspaces.get(workspaceName);
    if (workspace == null) {
      throw new IllegalArgumentException("no workspace named " + workspaceName);
    }
    WorkflowSpec workflow = workflows.get(workspace.workflow());
    Map<String, JobSpec> used = new java.util.TreeMap<>();
    workflow.jobs().forEach(u -> used.put(u.job(), jobs.get(u.job())));
    workflow.exitJobs().forEach(u -> used.put(u.job(), jobs.get(u.job())));
    return new Definition(file, folder, workspace, workflow, used);
  }
}
