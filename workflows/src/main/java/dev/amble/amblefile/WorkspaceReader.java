package dev.amble.amblefile;

import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.Position;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import dev.amble.facts.FactStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the Amblefile's {@code workspaces:} into {@link WorkspaceSpec}s; how a rollout goes through
 * the hosts, their windows and notifications are read by {@link StrategyReader}, {@link
 * WindowsReader} and {@link NotifyReader}.
 */
final class WorkspaceReader {
  /** How far past a window's end a job's timeout may carry a host before amble warns. */
  static final Duration FAR_PAST_WINDOWS = Duration.ofHours(1);

  private final Problems problems;
  private final FolderPaths paths;

  WorkspaceReader(Problems problems, FolderPaths paths) {
    this.problems = problems;
    this.paths = paths;
  }

  Optional<WorkspaceSpec> read(String name, Fields f) {
    Optional<String> hostPattern = f.string("host_pattern", true);
    Optional<String> workflow = f.string("workflow", true);
    StrategyReader how = new StrategyReader(f);
    SortOrder sortOrder = how.sortOrder(SortOrder.SHUFFLE);
    int concurrency = how.concurrency(1);
    boolean requireLimit = f.bool("require_limit", false);
    Optional<String> inventory = f.string("inventory", false).flatMap(i -> inventory(f, i));
    Optional<FactStore> facts = f.string("facts", false).flatMap(text -> factStore(f, text));
    Strategy strategy = how.read(Strategy.DEFAULT);
    Optional<Windows> windows = new WindowsReader(problems).read(f);
    List<Notification> notify = new NotifyReader(problems).read(f);
    if (hostPattern.isEmpty() || workflow.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new WorkspaceSpec(
            name,
            hostPattern.get(),
            workflow.get(),
            sortOrder,
            concurrency,
            requireLimit,
            inventory,
            strategy,
            facts,
            windows,
            notify));
  }

  private static Optional<FactStore> factStore(Fields f, String text) {
    try {
      return Optional.of(FactStore.parse(text));
    } catch (IllegalArgumentException e) {
      f.problem("facts", e.getMessage());
      return Optional.empty();
    }
  }

  /** An inventory path resolved against the Amblefile's folder; a host list is kept as it is. */
  private Optional<String> inventory(Fields f, String value) {
    if (value.contains(",")) {
      return Optional.of(value);
    }
    return paths.existing(f, "inventory", value);
  }

  /** Every workspace names a workflow the Amblefile defines. */
  void matchWorkflows(
      Fields top, Map<String, WorkspaceSpec> workspaces, Map<String, WorkflowSpec> workflows) {
    for (WorkspaceSpec w : workspaces.values()) {
      if (workflows.containsKey(w.workflow())
          || References.definedIn(top, "workflows", w.workflow())) {
        continue;
      }
      problems.add(
          at(top, w, "workflow"),
          KeyPath.child(KeyPath.child("workspaces", w.name()), "workflow"),
          References.noSuch("workflow", "workflows", w.workflow(), workflows.keySet()));
    }
  }

  /**
   * Warns when one job's timeout can carry a host far past the end of a window: a host may start at
   * the last moment the cutoff allows, and its job then run until its timeout.
   */
  void warnPastWindows(
      Fields top, WorkspaceSpec w, Map<String, WorkflowSpec> workflows, Map<String, JobSpec> jobs) {
    if (w.windows().isEmpty() || w.windows().get().allow().isEmpty()) {
      return;
    }
    Duration cutoff = w.windows().get().cutoff();
    WorkflowSpec workflow = workflows.get(w.workflow());
    Stream.concat(workflow.jobs().stream(), workflow.exitJobs().stream())
        .map(u -> jobs.get(u.job()))
        .filter(j -> j != null && j.timeout().minus(cutoff).compareTo(FAR_PAST_WINDOWS) > 0)
        .max(Comparator.comparing(JobSpec::timeout))
        .ifPresent(
            j ->
                problems.warn(
                    at(top, w, "windows"),
                    KeyPath.child(KeyPath.child("workspaces", w.name()), "windows"),
                    "job "
                        + j.name()
                        + "'s timeout of "
                        + DurationText.format(j.timeout())
                        + " can carry a host up to "
                        + DurationText.format(j.timeout().minus(cutoff))
                        + " past the end of a window (cutoff "
                        + DurationText.format(cutoff)
                        + "); a longer cutoff or a shorter timeout keeps hosts inside"));
  }

  /** Where a key of a workspace's map is written, or the file's start if it cannot be found. */
  private static Position at(Fields top, WorkspaceSpec w, String key) {
    return top.node("workspaces")
        .filter(YamlMap.class::isInstance)
        .flatMap(s -> ((YamlMap) s).get(w.name()))
        .filter(YamlMap.class::isInstance)
        .flatMap(m -> ((YamlMap) m).get(key))
        .map(YamlNode::position)
        .orElse(Position.START);
  }
}
