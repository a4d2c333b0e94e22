package dev.amble.ansible;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.host.HostTarget;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One run of ansible-playbook for a workspace: on one host (prepare, jobs, finish), or over what
 * the playbook targets (init, health checks). A host goes to Ansible in a limit file, as an exact
 * regular expression ({@code ~^name$}, every ASCII symbol escaped), and vars in an extra-vars file
 * readable by the worker's user only; both are removed after the run. The output goes to a log,
 * and the result is read from amble's callback events.
 */
public final class PlaybookRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

  private PlaybookRun() {}

  /**
   * @param step names the log file: {@code prepare}, {@code finish}, or {@code NN-job}
   * @param become whether the worker's become password goes with the run
   */
  public static RunResult run(
      ProcessRunner runner,
      HostTarget target,
      String step,
      Path playbook,
      ObjectNode extraVars,
      List<String> moreArgs,
      Duration timeout,
      boolean become,
      ProcessRunner.Progress progress) {
    WorkspaceDir dir = WorkspaceDir.of(Path.of(target.folder()), target.workspace());
    Finished run =
        playbook(
            runner,
            Path.of(target.folder()),
            dir,
            target.inventory(),
            Optional.of(target.host()),
            dir.hostLogs(target.host()),
            step,
            playbook,
            extraVars,
            moreArgs,
            timeout,
            become,
            progress);
    return result(target.host(), run.outcome(), run.events(), run.log());
  }

  /** How an ansible-playbook run ended: the process, the callback's events, the log. */
  public record Finished(ProcessOutcome outcome, Path events, Path log) {}

  /**
   * One ansible-playbook run for a workspace, limited to one host when {@code host} is given
   * (else to what the playbook's plays target).
   */
  public static Finished playbook(
      ProcessRunner runner,
      Path folder,
      WorkspaceDir dir,
      Optional<String> inventory,
      Optional<String> host,
      Path logDir,
      String step,
      Path playbook,
      ObjectNode extraVars,
      List<String> moreArgs,
      Duration timeout,
      boolean become,
      ProcessRunner.Progress progress) {
    String id = UUID.randomUUID().toString();
    Path limit = dir.run().resolve(id + ".limit");
    Path vars = dir.run().resolve(id + ".vars.json");
    String stamp = STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
    Path log = logDir.resolve(stamp + "-" + step + ".log");
    Path events = logDir.resolve(stamp + "-" + step + ".events.jsonl");
    try {
      writePrivate(vars, JSON.writeValueAsString(extraVars));
      List<String> args = new ArrayList<>();
      inventory.ifPresent(i -> args.addAll(List.of("-i", i)));
      if (host.isPresent()) {
        writePrivate(limit, exactPattern(host.get()) + "\n");
        args.addAll(List.of("--limit", "@" + limit));
      }
      args.addAll(List.of("-e", "@" + vars));
      args.addAll(moreArgs);
      args.add(playbook.toString());
      ProcessOutcome outcome =
          runner.run(
              new AnsibleCommand(
                  "ansible-playbook",
                  args,
                  folder,
                  AnsibleEnvironment.forWorkspace(runner.ansible(), folder, dir, Optional.of(events)),
                  log,
                  Optional.of(events),
                  timeout),
              progress,
              become);
      return new Finished(outcome, events, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(limit);
      deleteQuietly(vars);
    }
  }

  /** What the events say happened to the host. */
  static RunResult result(String host, ProcessOutcome outcome, Path events, Path log) {
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
      return new RunResult(RunStatus.TIMED_OUT, lastTask, "", "stopped after the job's timeout", changed, log.toString());
    }
    if (outcome.exitCode() != 0) {
      return new RunResult(
          RunStatus.FAILED,
          lastTask,
          "",
          "ansible-playbook exited " + outcome.exitCode() + ": " + LogTail.lastLines(log, 3),
          changed,
          log.toString());
    }
    boolean ran = all.stream().anyMatch(e -> e.host().equals(host));
    if (!ran) {
      return new RunResult(
          RunStatus.FAILED, "", "", "the host was not in the play (not in the inventory?)", 0, log.toString());
    }
    return new RunResult(RunStatus.OK, "", "", "", changed, log.toString());
  }

  /**
   * An Ansible host pattern matching exactly one host name: {@code ~} makes it a regular
   * expression, and escaping every ASCII symbol makes it literal. Lines of a limit file are not
   * split on {@code ,} or {@code :}, so the name goes to Ansible whole.
   */
  public static String exactPattern(String host) {
    if (host.indexOf('\n') >= 0 || host.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a host name cannot contain a line break");
    }
    StringBuilder p = new StringBuilder("~^");
    host.codePoints()
        .forEach(
            c -> {
              if (c < 128 && !Character.isLetterOrDigit(c)) {
                p.append('\\');
              }
              p.appendCodePoint(c);
            });
    return p.append('$').toString();
  }

  static void writePrivate(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // run/ is cleaned on the next run anyway
    }
  }
}
