package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.Definition;
import dev.amble.amblefile.HealthCheck;
import dev.amble.amblefile.JobTasks;
import dev.amble.amblefile.Strategy;
import dev.amble.rollout.SyntaxCheckResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Ansible's {@code --syntax-check} over every playbook a rollout runs, before any host is touched:
 * each job's playbook as amble renders it (its imported playbooks, tasks files and roles with it),
 * and each health check's of Ansible tasks. No host is contacted, and no fact read: the inventory
 * is empty.
 *
 * <p>The playbooks are checked with the extra vars their runs get (amble's, the job's options), as
 * static imports and role names may use them. They go to one ansible-playbook run whenever their
 * vars agree (every use without options, or options that do not contradict one another); a use
 * whose options give a variable another value than an earlier use's goes to another run. Ansible
 * stops at the first error, which is what the result reports.
 */
public final class PlaybookSyntax {
  static final Duration TIMEOUT = Duration.ofMinutes(5);

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

  private final ProcessRunner runner;

  public PlaybookSyntax(ProcessRunner runner) {
    this.runner = runner;
  }

  /**
   * The check as a command runs it once (the CLI before it starts a rollout): without a long-lived
   * executor (AnsibleExecutors), which would outlive the one run it serves.
   */
  public static PlaybookSyntax once(
      AnsibleInstallation ansible, Map<String, String> env, Optional<VaultPassword> vault) {
    Map<String, String> own = new LinkedHashMap<>(env);
    own.put(AnsibleExecutors.SWITCH, "off");
    return new PlaybookSyntax(
        new ProcessRunner(ansible, Optional.empty(), own).withVaultPassword(vault));
  }

  /**
   * A playbook to check, with the extra vars of its runs.
   *
   * @param what the job or health check it runs, for people
   */
  record SyntaxChecked(Path playbook, String what, ObjectNode vars) {}

  /**
   * Renders and checks the playbooks of {@code d}, whose paths read as they do here, in {@code
   * folder}, logging in {@code dir}.
   */
  public SyntaxCheckResult check(Definition d, Path folder, WorkspaceDir dir) {
    List<SyntaxChecked> playbooks = render(d, folder, dir);
    Path logs = dir.workspaceLogs();
    String stamp = STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
    Path log = logs.resolve(stamp + "-syntax-check.log");
    for (List<SyntaxChecked> run : runs(playbooks)) {
      Optional<SyntaxCheckResult> failed = run(run, folder, dir, log);
      if (failed.isPresent()) {
        return failed.get();
      }
    }
    return SyntaxCheckResult.pass(log.toString());
  }

  /** Each job's playbook (exit jobs too, once per use), then each Ansible-task health check's. */
  static List<SyntaxChecked> render(Definition d, Path folder, WorkspaceDir dir) {
    List<SyntaxChecked> all = new ArrayList<>();
    String ws = d.workspace().name();
    for (Definition.Step step :
        Stream.concat(d.steps().stream(), d.exitSteps().stream()).toList()) {
      if (step.job().tasks() instanceof JobTasks.None) {
        continue;
      }
      ObjectNode vars = step.options().deepCopy();
      vars.put("amble_operation", true);
      vars.put("amble_workspace", ws);
      vars.put("amble_project", d.project());
      vars.put("amble_workflow", d.workflow().name());
      vars.put("amble_rollout", "");
      vars.put("amble_controller", "");
      vars.put("amble_time", "");
      vars.put("amble_claim", false);
      vars.put("amble_stomp_locks", false);
      all.add(
          new SyntaxChecked(
              Playbooks.job(folder, dir, ws, step.job()), "job " + step.job().name(), vars));
    }
    Strategy s = d.workspace().strategy();
    Map<String, HealthCheck> checks = new LinkedHashMap<>();
    Stream.of(
            s.preChecks().host(),
            s.preChecks().wave(),
            s.postChecks().host(),
            s.postChecks().wave(),
            s.continuousChecks().map(Strategy.ContinuousChecks::checks).orElse(List.of()))
        .flatMap(List::stream)
        .forEach(c -> checks.putIfAbsent(c.name(), c));
    for (HealthCheck check : checks.values()) {
      if (check.probe() instanceof HealthCheck.Probe.Tasks tasks) {
        ObjectNode vars = JsonNodeFactory.instance.objectNode();
        vars.put("amble_operation", true);
        vars.put("amble_check_hosts", tasks.hosts());
        vars.put("amble_workspace", ws);
        vars.put("amble_wave", 0);
        vars.put("amble_host", "");
        all.add(
            new SyntaxChecked(
                Playbooks.check(folder, ws, check.name(), tasks.tasks(), tasks.become()),
                "health check " + check.name(),
                vars));
      }
    }
    return dedupe(all);
  }

  private static List<SyntaxChecked> dedupe(List<SyntaxChecked> all) {
    List<SyntaxChecked> once = new ArrayList<>();
    for (SyntaxChecked c : all) {
      if (once.stream()
          .noneMatch(o -> o.playbook().equals(c.playbook()) && o.vars().equals(c.vars()))) {
        once.add(c);
      }
    }
    return once;
  }

  /** The playbooks grouped into runs whose vars agree, in order. */
  static List<List<SyntaxChecked>> runs(List<SyntaxChecked> playbooks) {
    List<List<SyntaxChecked>> runs = new ArrayList<>();
    List<ObjectNode> vars = new ArrayList<>();
    for (SyntaxChecked c : playbooks) {
      int i = 0;
      while (i < runs.size()
          && (!agree(vars.get(i), c.vars())
              || runs.get(i).stream().anyMatch(o -> o.playbook().equals(c.playbook())))) {
        i++;
      }
      if (i == runs.size()) {
        runs.add(new ArrayList<>());
        vars.add(JsonNodeFactory.instance.objectNode());
      }
      runs.get(i).add(c);
      vars.get(i).setAll(c.vars().deepCopy());
    }
    return runs;
  }

  private static boolean agree(ObjectNode a, ObjectNode b) {
    for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (a.has(e.getKey()) && !a.get(e.getKey()).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** One ansible-playbook --syntax-check run; what failed, if anything. */
  private Optional<SyntaxCheckResult> run(
      List<SyntaxChecked> playbooks, Path folder, WorkspaceDir dir, Path log) {
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    playbooks.forEach(p -> vars.setAll(p.vars().deepCopy()));
    // The jobs' own settings (no host's facts are read: the inventory is empty), so that on a
    // worker the check and the jobs after it share one Ansible executor: the check waits for it
    // (it is started for the jobs anyway) rather than start Ansible a second time beside it.
    Map<String, String> env =
        AnsibleEnvironment.forWorkspace(runner, folder, dir, Optional.empty());
    try (RunFiles files = RunFiles.open(dir)) {
      List<String> args = new ArrayList<>(List.of("--syntax-check", "-i", ","));
      args.addAll(List.of("-e", files.vars(vars)));
      playbooks.forEach(p -> args.add(p.playbook().toString()));
      ProcessOutcome outcome =
          runner.run(
              new AnsibleCommand(
                  "ansible-playbook",
                  args,
                  folder,
                  env,
                  log,
                  Optional.empty(),
                  TIMEOUT,
                  AnsibleCommand.ExecutorUse.AWAIT),
              ActivityHeartbeat.current());
      if (outcome.exitCode() == 0 && !outcome.timedOut()) {
        return Optional.empty();
      }
      String what =
          outcome.timedOut()
              ? "ansible-playbook --syntax-check timed out after " + TIMEOUT.toMinutes() + " min"
              : "ansible-playbook --syntax-check exited " + outcome.exitCode();
      AnsibleError error =
          AnsibleError.in(log)
              .orElseGet(
                  () -> new AnsibleError(what + ": " + LogTail.lastLines(log, 3), "", List.of()));
      return Optional.of(
          new SyntaxCheckResult(
              false,
              error.line() + rendered(error, playbooks),
              error.origin(),
              error.excerpt(),
              log.toString()));
    }
  }

  /** When the error is in a playbook amble rendered: which job or health check it is. */
  private static String rendered(AnsibleError error, List<SyntaxChecked> playbooks) {
    for (SyntaxChecked c : playbooks) {
      if (error.origin().startsWith(c.playbook() + ":")) {
        return " (in the playbook amble renders for " + c.what() + ")";
      }
    }
    return "";
  }
}
