package dev.amble.amblefile;

import com.google.common.collect.ImmutableList;
import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/** Turns a YAML tree into an {@link Amblefile}, finding every problem on the way (schema 1). */
final class AmblefileReader {
  static final List<String> TOP_KEYS = List.of("project", "workspaces", "workflows", "jobs");
  static final List<String> WORKSPACE_KEYS =
      ImmutableList.<String>builder()
          .add("host_pattern", "workflow", "sort_order", "concurrency")
          .add("require_limit", "inventory", "facts")
          .addAll(StrategyReader.STRATEGY_KEYS)
          .add("pre_checks", "post_checks", "continuous_checks", "windows", "notify")
          .add("failure_domain", "tiers")
          .build();
  static final List<String> WORKFLOW_KEYS =
      List.of("jobs", "exit_jobs", "always_retry_failed_hosts");
  static final List<String> USE_KEYS = List.of("job", "options");
  static final List<String> JOB_KEYS =
      List.of(
          "tasks",
          "tasks_file",
          "playbooks",
          "become",
          "required_options",
          "options",
          "preconditions",
          "timeout");
  static final Pattern WORKSPACE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** A project's name: the same characters as a workspace's, for the same reason (workflow IDs). */
  static final Pattern PROJECT_NAME = WORKSPACE_NAME;

  private final Path folder;
  private final Problems problems;
  private final JobReader jobReader;
  private final WorkflowReader workflowReader;
  private final WorkspaceReader workspaceReader;

  AmblefileReader(Path folder, String text, Problems problems) {
    this.folder = folder;
    this.problems = problems;
    FolderPaths paths = new FolderPaths(folder);
    this.jobReader = new JobReader(problems, new ScalarSource(text), paths);
    this.workflowReader = new WorkflowReader(problems);
    this.workspaceReader = new WorkspaceReader(problems, paths);
  }

  Optional<Amblefile> read(Path file, YamlNode root) {
    if (!(root instanceof YamlMap)) {
      problems.add(
          root.position(),
          "",
          "an Amblefile is a map with the keys workspaces, workflows and jobs, got "
              + root.describe());
      return Optional.empty();
    }
    Optional<Fields> top = Fields.open(root, "", problems, TOP_KEYS);
    String project = project(top.get());
    Map<String, JobSpec> jobs = section(top.get(), "jobs", jobReader::read);
    Map<String, WorkflowSpec> workflows = section(top.get(), "workflows", workflowReader::read);
    Map<String, WorkspaceSpec> workspaces = section(top.get(), "workspaces", workspaceReader::read);
    workflowReader.matchUses(top.get(), jobs, jobReader);
    workspaceReader.matchWorkflows(top.get(), workspaces, workflows);
    if (problems.any()) {
      return Optional.empty();
    }
    workspaces
        .values()
        .forEach(w -> workspaceReader.warnPastWindows(top.get(), w, workflows, jobs));
    return Optional.of(
        new Amblefile(
            file.toString(),
            folder.toString(),
            project,
            workspaces,
            workflows,
            jobs,
            problems.warnings()));
  }

  /**
   * The top-level {@code project:}, a name like a workspace's; the default project when not given.
   */
  private String project(Fields top) {
    Optional<String> given = top.string("project", false);
    if (given.isEmpty()) {
      return Amblefile.DEFAULT_PROJECT;
    }
    if (!PROJECT_NAME.matcher(given.get()).matches()) {
      top.problem(
          "project",
          "a project name may use letters, digits, '.', '_' and '-', and starts with a letter or"
              + " digit, got \""
              + given.get()
              + "\"");
    }
    return given.get();
  }

  /** A top-level map of named entries, each read by {@code entry}; a missing section is empty. */
  private <T> Map<String, T> section(
      Fields top, String key, BiFunction<String, Fields, Optional<T>> entry) {
    Map<String, T> read = new LinkedHashMap<>();
    if (!top.has(key)) {
      top.missing(key);
      return read;
    }
    Optional<YamlMap> map = top.submap(key);
    if (map.isEmpty()) {
      return read;
    }
    if (map.get().entries().isEmpty()) {
      top.problem(key, "must define at least one entry");
    }
    List<String> allowed = allowedKeys(key);
    for (YamlMap.Entry e : map.get().entries().values()) {
      String path = KeyPath.child(key, e.key());
      if (key.equals("workspaces") && !WORKSPACE_NAME.matcher(e.key()).matches()) {
        problems.add(
            e.keyPosition(),
            path,
            "a workspace name may use letters, digits, '.', '_' and '-', and starts with a letter"
                + " or digit");
      }
      Fields.open(e.value(), path, problems, allowed)
          .flatMap(fields -> entry.apply(e.key(), fields))
          .ifPresent(value -> read.put(e.key(), value));
    }
    return read;
  }

  private static List<String> allowedKeys(String section) {
    return switch (section) {
      case "jobs" -> JOB_KEYS;
      case "workflows" -> WORKFLOW_KEYS;
      default -> WORKSPACE_KEYS;
    };
  }
}
