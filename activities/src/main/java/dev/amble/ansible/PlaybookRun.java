package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.logs.RunLogTag;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a {@link PlaybookInvocation}: on one host (prepare, jobs, finish), or over what the playbook
 * targets (init, health checks). Its private files (limit, extra vars) are a {@link RunFiles}'s,
 * gone after the run. The output goes to a log, and the result is read from amble's callback
 * events.
 */
public final class PlaybookRun {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

  private static final ObjectMapper JSON = new ObjectMapper();

  private PlaybookRun() {}

  /**
   * How an ansible-playbook run ended: the process, the callback's events, the log, and (when the
   * invocation asked for it) what each host's facts and inventory vars were.
   */
  public record Finished(
      ProcessOutcome outcome, Path events, Path log, Map<String, HostState> hostStates) {
    /** What the events say happened to {@code host}. */
    public RunResult result(String host) {
      return PlaybookRun.result(host, outcome, events, log);
    }

    public Optional<HostState> hostState(String host) {
      return Optional.ofNullable(hostStates.get(host));
    }
  }

  /** A host's facts as just gathered, and its inventory vars as the inventory gave them then. */
  /**
   * @param vaulted the plaintexts of the vars that came from Ansible Vault, to keep out of reports
   */
  public record HostState(JsonNode facts, JsonNode vars, java.util.Set<String> vaulted) {}

  /** Runs the playbook, heartbeating when this is an activity. */
  public static Finished run(ProcessRunner runner, PlaybookInvocation run) {
    String name = logName(STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)), runTag(), run.step());
    Path log = run.logs().resolve(name + ".log");
    Path events = run.logs().resolve(name + ".events.jsonl");
    try (RunFiles files = RunFiles.open(run.dir())) {
      List<String> args = new ArrayList<>();
      run.inventory().ifPresent(i -> args.addAll(List.of("-i", i)));
      args.addAll(files.limit(run.limit()));
      args.addAll(List.of("-e", files.vars(run.vars())));
      if (run.dryRun()) {
        args.addAll(List.of("--check", "--diff"));
      }
      run.forks().ifPresent(f -> args.addAll(List.of("-f", Integer.toString(f))));
      if (run.becomeByDefault()) {
        args.add("--become");
      }
      args.add(run.playbook().toString());
      Map<String, String> env =
          new LinkedHashMap<>(
              AnsibleEnvironment.forWorkspace(
                  runner, run.folder(), run.dir(), Optional.of(events)));
      Path hostStates = files.output("host-state.jsonl");
      if (run.hostState()) {
        env.put("AMBLE_HOST_STATE_FILE", hostStates.toString());
      }
      ProcessOutcome outcome =
          runner.run(
              new AnsibleCommand(
                  "ansible-playbook",
                  args,
                  run.folder(),
                  env,
                  log,
                  Optional.of(events),
                  run.timeout(),
                  AnsibleCommand.ExecutorUse.WHEN_READY),
              ActivityHeartbeat.current(),
              run.become());
      return new Finished(
          outcome, events, log, run.hostState() ? readHostStates(hostStates) : Map.of());
    }
  }

  /**
   * A run's log's name (without {@code .log}): {@code STAMP-TAG-STEP} in an activity, where the tag
   * names the step's attempt in its walk ({@link RunLogTag}: {@code amble logs} finds a running
   * step's log by it); {@code STAMP-STEP} elsewhere (the CLI's own runs).
   */
  static String logName(String stamp, Optional<String> tag, String step) {
    return stamp + tag.map(t -> "-" + t).orElse("") + "-" + step;
  }

  /** The tag of this activity's attempt; empty outside an activity. */
  static Optional<String> runTag() {
    ActivityInfo info;
    try {
      info = Activity.getExecutionContext().getInfo();
    } catch (IllegalStateException notAnActivity) {
      return Optional.empty();
    }
    return Optional.of(
        RunLogTag.of(
            info.getWorkflowId(), info.getRunId(), info.getActivityId(), info.getAttempt()));
  }

  private static Map<String, HostState> readHostStates(Path file) {
    Map<String, HostState> states = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return states;
    }
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode state = JSON.readTree(line);
        java.util.Set<String> vaulted = new java.util.HashSet<>();
        state.path("vaulted").forEach(v -> vaulted.add(v.asText()));
        states.put(
            state.path("host").asText(),
            new HostState(
                FactCache.unwrap(state.path("facts")),
                FactCache.unwrap(state.path("vars")),
                java.util.Set.copyOf(vaulted)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the facts and vars the run gathered", e);
    }
    return states;
  }

  /** What the events say happened to the host; when it did not go well, with the log's end. */
  static RunResult result(String host, ProcessOutcome outcome, Path events, Path log) {
    RunResult r = eventsSay(host, outcome, events, log);
    if (r.ok()) {
      return r;
    }
    AnsibleEvents.Problem problem = AnsibleEvents.problems(AnsibleEvents.read(events)).get(host);
    boolean hidden = problem != null && problem.event().raw().path("hidden").asBoolean(false);
    return r.withTail(LogTail.tail(log, hidden));
  }

  private static RunResult eventsSay(String host, ProcessOutcome outcome, Path events, Path log) {
    List<AnsibleEvents.Event> all = AnsibleEvents.read(events);
    int changed = 0;
    String lastTask = "";
    for (AnsibleEvents.Event e : all) {
      if (e.event().equals("task")) {
        lastTask = e.task();
      } else if (e.event().equals("changed") && e.host().equals(host)) {
        changed++;
      }
    }
    AnsibleEvents.Problem problem = AnsibleEvents.problems(all).get(host);
    if (problem != null) {
      AnsibleEvents.Event e = problem.event();
      RunStatus status = problem.unreachable() ? RunStatus.UNREACHABLE : RunStatus.FAILED;
      return new RunResult(status, e.task(), e.action(), e.msg(), changed, log.toString());
    }
    if (outcome.timedOut()) {
      return new RunResult(
          RunStatus.TIMED_OUT,
          lastTask,
          "",
          "stopped after the job's timeout",
          changed,
          log.toString());
    }
    if (outcome.exitCode() != 0) {
      return new RunResult(
          RunStatus.FAILED,
          lastTask,
          "",
          AnsibleError.explain("ansible-playbook exited " + outcome.exitCode(), log),
          changed,
          log.toString());
    }
    boolean ran = all.stream().anyMatch(e -> e.host().equals(host));
    if (!ran) {
      return new RunResult(
          RunStatus.FAILED,
          "",
          "",
          "the host was not in the play (not in the inventory?)",
          0,
          log.toString());
    }
    return new RunResult(RunStatus.OK, "", "", "", changed, log.toString());
  }
}
