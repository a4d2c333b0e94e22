package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.Position;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import dev.amble.amblefile.yaml.YamlNode.YamlScalar;
import dev.amble.facts.FactStore;
import dev.amble.precondition.Precondition;
import dev.amble.precondition.PreconditionException;
import dev.amble.precondition.PreconditionIssue;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/** Turns a YAML tree into an {@link Amblefile}, finding every problem on the way (schema 1). */
final class AmblefileReader {
  static final List<String> TOP_KEYS = List.of("project", "workspaces", "workflows", "jobs");
  static final List<String> WORKSPACE_KEYS =
      List.of(
          "host_pattern",
          "workflow",
          "sort_order",
          "concurrency",
          "require_limit",
          "inventory",
          "facts",
          "waves",
          "pause_between_waves",
          "bake_time",
          "max_failures",
          "max_failures_per_wave",
          "unreachable",
          "unreachable_attempts",
          "unreachable_backoff",
          "pre_checks",
          "post_checks",
          "continuous_checks",
          "windows",
          "notify");
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
  static final List<String> TASK_SOURCES = List.of("tasks", "tasks_file", "playbooks");
  static final Pattern WORKSPACE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** A project's name: the same characters as a workspace's, for the same reason (workflow IDs). */
  static final Pattern PROJECT_NAME = WORKSPACE_NAME;

  private final Path folder;
  private final ScalarSource source;
  private final Problems problems;

  /** A use of a job, with where it was written, kept until the references are checked. */
  private record UseAt(JobUse use, String path, Position position, Position jobPosition) {}

  /** A job's compiled preconditions, kept until the uses' options are checked. */
  private final Map<String, Precondition> preconditions = new LinkedHashMap<>();

  private final Map<String, List<UseAt>> usesByWorkflow = new LinkedHashMap<>();

  AmblefileReader(Path folder, String text, Problems problems) {
    this.folder = folder;
    this.source = new ScalarSource(text);
    this.problems = problems;
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
    Map<String, JobSpec> jobs = section(top.get(), "jobs", this::job);
    Map<String, WorkflowSpec> workflows = section(top.get(), "workflows", this::workflow);
    Map<String, WorkspaceSpec> workspaces = section(top.get(), "workspaces", this::workspace);
    checkUses(top.get(), jobs);
    checkWorkspaces(top.get(), workspaces, workflows);
    if (problems.any()) {
      return Optional.empty();
    }
    workspaces.values().forEach(w -> warnPastWindows(top.get(), w, workflows, jobs));
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

  private Optional<WorkspaceSpec> workspace(String name, Fields f) {
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
    return existing(f, "inventory", value);
  }

  private Optional<WorkflowSpec> workflow(String name, Fields f) {
    List<UseAt> uses = new ArrayList<>();
    usesByWorkflow.put(name, uses);
    List<JobUse> jobs = uses(f, "jobs", uses);
    if (!f.has("jobs")) {
      f.missing("jobs");
    } else if (f.node("jobs").get() instanceof YamlList list && list.items().isEmpty()) {
      f.problem("jobs", "must list at least one job");
    }
    List<JobUse> exitJobs = uses(f, "exit_jobs", uses);
    boolean retry = f.bool("always_retry_failed_hosts", true);
    return Optional.of(new WorkflowSpec(name, jobs, exitJobs, retry));
  }

  private List<JobUse> uses(Fields f, String key, List<UseAt> into) {
    List<JobUse> read = new ArrayList<>();
    Optional<YamlList> list = f.list(key);
    if (list.isEmpty()) {
      return read;
    }
    for (int i = 0; i < list.get().items().size(); i++) {
      YamlNode item = list.get().items().get(i);
      String path = KeyPath.item(f.path(key), i);
      Optional<Fields> use = Fields.open(item, path, problems, USE_KEYS);
      if (use.isEmpty()) {
        continue;
      }
      Optional<String> job = use.get().string("job", true);
      ObjectNode options =
          use.get()
              .submap("options")
              .map(YamlMap::toJson)
              .orElseGet(JsonNodeFactory.instance::objectNode);
      if (job.isPresent()) {
        JobUse jobUse = new JobUse(job.get(), options);
        read.add(jobUse);
        into.add(new UseAt(jobUse, path, item.position(), use.get().at("job")));
      }
    }
    return read;
  }

  private Optional<JobSpec> job(String name, Fields f) {
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
    switch (key) {
      case "tasks":
        {
          Optional<YamlList> list = f.list("tasks");
          if (list.isEmpty()) {
            return Optional.empty();
          }
          if (list.get().items().isEmpty()) {
            f.problem(
                "tasks",
                "must list at least one task; leave the key out for a job with preconditions only");
            return Optional.empty();
          }
          for (int i = 0; i < list.get().items().size(); i++) {
            YamlNode task = list.get().items().get(i);
            if (!(task instanceof YamlMap)) {
              problems.add(
                  task.position(),
                  KeyPath.item(f.path("tasks"), i),
                  "an Ansible task must be a map, got " + task.describe());
            }
          }
          return Optional.of(new JobTasks.Inline((ArrayNode) list.get().toJson()));
        }
      case "tasks_file":
        return f.string("tasks_file", true)
            .flatMap(p -> existing(f, "tasks_file", p))
            .map(JobTasks.TasksFile::new);
      default:
        {
          Optional<List<String>> paths = f.strings("playbooks");
          if (paths.isEmpty()) {
            return Optional.empty();
          }
          if (paths.get().isEmpty()) {
            f.problem("playbooks", "must list at least one playbook");
            return Optional.empty();
          }
          List<String> resolved = new ArrayList<>();
          YamlList list = (YamlList) f.node("playbooks").get();
          for (int i = 0; i < paths.get().size(); i++) {
            Optional<Path> p = resolve(paths.get().get(i));
            if (p.isEmpty() || !Files.isRegularFile(p.get())) {
              problems.add(
                  list.items().get(i).position(),
                  KeyPath.item(f.path("playbooks"), i),
                  notFound(paths.get().get(i)));
            } else {
              resolved.add(p.get().toString());
            }
          }
          return resolved.size() == paths.get().size()
              ? Optional.of(new JobTasks.Playbooks(resolved))
              : Optional.empty();
        }
    }
  }

  /** A path that must exist, resolved against the Amblefile's folder. */
  private Optional<String> existing(Fields f, String key, String value) {
    Optional<Path> p = resolve(value);
    if (p.isEmpty() || !Files.exists(p.get())) {
      f.problem(key, notFound(value));
      return Optional.empty();
    }
    return Optional.of(p.get().toString());
  }

  /** A path resolved against the Amblefile's folder; empty when no file can have that name. */
  private Optional<Path> resolve(String value) {
    try {
      return Optional.of(folder.resolve(value).normalize());
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  private String notFound(String path) {
    if (resolve(path).isEmpty()) {
      return "not a file name: " + path;
    }
    return "file not found: "
        + path
        + (Path.of(path).isAbsolute() ? "" : " (relative paths start at the Amblefile's folder)");
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

  /** Every use names a job, gives its required options and the options its preconditions read. */
  private void checkUses(Fields top, Map<String, JobSpec> jobs) {
    for (List<UseAt> uses : usesByWorkflow.values()) {
      for (UseAt at : uses) {
        JobSpec job = jobs.get(at.use().job());
        if (job == null) {
          if (definedIn(top, "jobs", at.use().job())) {
            continue;
          }
          problems.add(
              at.jobPosition(),
              at.path() + ".job",
              "no job named \""
                  + at.use().job()
                  + "\""
                  + DidYouMean.hint(at.use().job(), jobs.keySet())
                  + defined("jobs", jobs.keySet()));
          continue;
        }
        Set<String> given = new TreeSet<>();
        job.options().fieldNames().forEachRemaining(given::add);
        at.use().options().fieldNames().forEachRemaining(given::add);
        for (String required : job.requiredOptions()) {
          if (!given.contains(required)) {
            problems.add(
                at.position(),
                at.path(),
                "job \"" + job.name() + "\" requires option \"" + required + "\"");
          }
        }
        Precondition p = preconditions.get(job.name());
        if (p != null) {
          for (String read : p.optionNames()) {
            if (!given.contains(read) && !job.requiredOptions().contains(read)) {
              problems.add(
                  at.position(),
                  at.path(),
                  "job \""
                      + job.name()
                      + "\" preconditions read options."
                      + read
                      + ", which this use does not give"
                      + DidYouMean.hint(read, given));
            }
          }
        }
      }
    }
  }

  /** How far past a window's end a job's timeout may carry a host before amble warns. */
  static final Duration FAR_PAST_WINDOWS = Duration.ofHours(1);

  /**
   * Warns when one job's timeout can carry a host far past the end of a window: a host may start at
   * the last moment the cutoff allows, and its job then run until its timeout.
   */
  private void warnPastWindows(
      Fields top, WorkspaceSpec w, Map<String, WorkflowSpec> workflows, Map<String, JobSpec> jobs) {
    if (w.windows().isEmpty() || w.windows().get().allow().isEmpty()) {
      return;
    }
    Duration cutoff = w.windows().get().cutoff();
    WorkflowSpec workflow = workflows.get(w.workflow());
    java.util.stream.Stream.concat(workflow.jobs().stream(), workflow.exitJobs().stream())
        .map(u -> jobs.get(u.job()))
        .filter(j -> j != null && j.timeout().minus(cutoff).compareTo(FAR_PAST_WINDOWS) > 0)
        .max(java.util.Comparator.comparing(JobSpec::timeout))
        .ifPresent(
            j -> {
              String path = KeyPath.child(KeyPath.child("workspaces", w.name()), "windows");
              Position at =
                  top.node("workspaces")
                      .filter(YamlMap.class::isInstance)
                      .flatMap(s -> ((YamlMap) s).get(w.name()))
                      .filter(YamlMap.class::isInstance)
                      .flatMap(m -> ((YamlMap) m).get("windows"))
                      .map(YamlNode::position)
                      .orElse(Position.START);
              problems.warn(
                  at,
                  path,
                  "job "
                      + j.name()
                      + "'s timeout of "
                      + DurationText.format(j.timeout())
                      + " can carry a host up to "
                      + DurationText.format(j.timeout().minus(cutoff))
                      + " past the end of a window (cutoff "
                      + DurationText.format(cutoff)
                      + "); a longer cutoff or a shorter timeout keeps hosts inside");
            });
  }

  private void checkWorkspaces(
      Fields top, Map<String, WorkspaceSpec> workspaces, Map<String, WorkflowSpec> workflows) {
    Optional<YamlMap> section =
        top.node("workspaces").filter(YamlMap.class::isInstance).map(YamlMap.class::cast);
    for (WorkspaceSpec w : workspaces.values()) {
      if (workflows.containsKey(w.workflow()) || definedIn(top, "workflows", w.workflow())) {
        continue;
      }
      Position at =
          section
              .flatMap(s -> s.get(w.name()))
              .filter(YamlMap.class::isInstance)
              .flatMap(m -> ((YamlMap) m).get("workflow"))
              .map(YamlNode::position)
              .orElse(Position.START);
      problems.add(
          at,
          KeyPath.child(KeyPath.child("workspaces", w.name()), "workflow"),
          "no workflow named \""
              + w.workflow()
              + "\""
              + DidYouMean.hint(w.workflow(), workflows.keySet())
              + defined("workflows", workflows.keySet()));
    }
  }

  /** A reference to an entry that exists but had problems of its own is not reported again. */
  private static boolean definedIn(Fields top, String section, String name) {
    return top.node(section)
        .filter(YamlMap.class::isInstance)
        .map(m -> ((YamlMap) m).entries().containsKey(name))
        .orElse(false);
  }

  private static String defined(String what, Set<String> names) {
    if (names.isEmpty()) {
      return " (no " + what + " are defined)";
    }
    return " (defined " + what + ": " + String.join(", ", new TreeSet<>(names)) + ")";
  }
}
