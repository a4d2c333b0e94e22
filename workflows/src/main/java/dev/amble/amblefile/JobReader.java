package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.Position;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import dev.amble.amblefile.yaml.YamlNode.YamlScalar;
import dev.amble.precondition.Precondition;
import dev.amble.precondition.PreconditionException;
import dev.amble.precondition.PreconditionIssue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the Amblefile's {@code jobs:} into {@link JobSpec}s: their tasks, options and timeout, and
 * their preconditions, compiled here so that a mistake is reported at its own line and column.
 */
final class JobReader {
  static final List<String> TASK_SOURCES = List.of("tasks", "tasks_file", "playbooks");

  private final Problems problems;
  private final ScalarSource source;
  private final FolderPaths paths;

  /** Each job's compiled preconditions, kept until the uses are matched to them. */
  private final Map<String, Precondition> preconditions = new LinkedHashMap<>();

  JobReader(Problems problems, ScalarSource source, FolderPaths paths) {
    this.problems = problems;
    this.source = source;
    this.paths = paths;
  }

  /** The compiled preconditions of a job read without problems in them. */
  Optional<Precondition> preconditions(String job) {
    return Optional.ofNullable(preconditions.get(job));
  }

  Optional<JobSpec> read(String name, Fields f) {
    List<String> given = TASK_SOURCES.stream().filter(f::has).toList();
    if (given.size() > 1) {
      for (String extra : given.subList(1, given.size())) {
        problems.add(
            f.keyAt(extra),
            f.path(extra),
            "a job gives at most one of tasks, tasks_file, playbooks; this one also gives "
                + given.get(0));
      }
    }
    JobTasks tasks = new JobTasks.None();
    if (!given.isEmpty()) {
      tasks = tasks(f, given.get(0)).orElse(tasks);
    }
    boolean become = f.bool("become", true);
    List<String> required = f.strings("required_options").orElse(List.of());
    ObjectNode options =
        f.submap("options").map(YamlMap::toJson).orElseGet(JsonNodeFactory.instance::objectNode);
    String preconditions = f.string("preconditions", false).orElse(JobSpec.ALWAYS);
    if (f.has("preconditions") && preconditions.isBlank()) {
      f.problem("preconditions", "must not be empty; leave the key out for a job that always runs");
    } else {
      compile(name, f, preconditions);
    }
    Duration timeout = f.duration("timeout", false).orElse(JobSpec.DEFAULT_TIMEOUT);
    return Optional.of(new JobSpec(name, tasks, become, required, options, preconditions, timeout));
  }

  private Optional<JobTasks> tasks(Fields f, String key) {
    return switch (key) {
      case "tasks" ->
          AnsibleTasks.read(
                  f,
                  "tasks",
                  "must list at least one task; leave the key out for a job with preconditions only")
              .map(JobTasks.Inline::new);
      case "tasks_file" ->
          f.string("tasks_file", true)
              .flatMap(p -> paths.existing(f, "tasks_file", p))
              .map(JobTasks.TasksFile::new);
      default -> playbooks(f);
    };
  }

  private Optional<JobTasks> playbooks(Fields f) {
    Optional<List<String>> given = f.strings("playbooks", "must list at least one playbook");
    if (given.isEmpty()) {
      return Optional.empty();
    }
    List<String> resolved = new ArrayList<>();
    YamlList list = (YamlList) f.node("playbooks").get();
    for (int i = 0; i < given.get().size(); i++) {
      Optional<Path> p = paths.resolve(given.get().get(i));
      if (p.isEmpty() || !Files.isRegularFile(p.get())) {
        problems.add(
            list.items().get(i).position(),
            KeyPath.item(f.path("playbooks"), i),
            paths.notFound(given.get().get(i)));
      } else {
        resolved.add(p.get().toString());
      }
    }
    return resolved.size() == given.get().size()
        ? Optional.of(new JobTasks.Playbooks(resolved))
        : Optional.empty();
  }

  private void compile(String job, Fields f, String expression) {
    try {
      preconditions.put(job, Precondition.compile(expression));
    } catch (PreconditionException e) {
      YamlNode node = f.node("preconditions").get();
      for (PreconditionIssue issue : e.issues()) {
        Position at =
            node instanceof YamlScalar s
                ? source.locate(s.position(), s.text(), issue.line(), issue.column())
                : node.position();
        problems.add(at, f.path("preconditions"), issue.message());
      }
    }
  }
}
