package dev.amble.cli.steer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.Amblefile;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.AnsibleException;
import dev.amble.ansible.FactCache;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.PlaybookInvocation;
import dev.amble.ansible.PlaybookRun;
import dev.amble.ansible.Playbooks;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.cli.common.AnsiblePasswords;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.OutputOption;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.host.HostTarget;
import dev.amble.host.RunResult;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amble unlock HOST}: remove a host's lock, whoever holds it, recording who and why. */
@Command(
    header = "Frees a host that a failed or ended rollout left locked.",
    name = "unlock",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Removes HOST's lock (amble_lock.fact in its state folder), whichever project's workspace"
          + " holds it, and records on the host, in amble_state.fact under \"unlocked\", who"
          + " unlocked it (user@machine), when, why, and the lock it removed. Prints that lock"
          + " (project, workspace, rollout, controller, since), or that the host was not locked. A"
          + " lock written before locks named projects is project default's. Runs Ansible here, not"
          + " through Temporal, against the workspace's inventory (one ansible-playbook run, which"
          + " also refreshes the host's cached facts).",
      "",
      "Use it for a host that stays locked after its rollout failed, was cancelled with --force, or"
          + " lost its worker, and that another workspace must now walk. A rollout that still walks"
          + " the host does not notice: unlock only hosts no rollout is walking (`amble status"
          + " --host HOST` of the lock's workspace tells). To take hosts over in one rollout"
          + " instead, without recording why, `amble run --stomp-locks`.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 the lock was removed, or there was none; 1 the host could not be unlocked"
          + " (unreachable, or the run failed: see the log); 2 bad input (an unknown host, an empty"
          + " reason).",
      ""
    })
public final class UnlockCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "HOST",
      description = "The host, as the workspace's inventory names it.")
  String host;

  @Mixin WorkspaceOption workspace;

  @Option(
      names = {"-r", "--reason"},
      required = true,
      paramLabel = "TEXT",
      description = "Why: recorded on the host with who unlocked it.")
  String reason;

  @Mixin OutputOption output;

  @Mixin AnsiblePasswords passwords;

  @Override
  public Integer call() {
    Invocation amble = Invocation.of(spec);
    String ws = amble.workspace(workspace.get());
    Definition d = amble.amblefile().definition(ws);
    if (reason.isBlank()) {
      throw Exit.badInput("amble: --reason must say why the host is unlocked");
    }
    ProcessRunner runner = passwords.runner(amble);
    Path folder = Path.of(d.folder());
    WorkspaceDir dir = WorkspaceDir.of(folder, ws);
    requireInInventory(runner, d, folder, dir);

    String by = Identity.operator();
    String when = Instant.now().toString();
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    vars.put("amble_operation", true);
    vars.put("amble_workspace", ws);
    vars.put("amble_project", d.project());
    vars.put("amble_time", when);
    vars.put("amble_unlock_by_b64", base64(by));
    vars.put("amble_unlock_reason_b64", base64(reason));
    HostTarget target = new HostTarget(ws, d.folder(), d.workspace().inventory(), host);
    RunResult run;
    try {
      run =
          PlaybookRun.run(
                  runner,
                  PlaybookInvocation.onHost(target, "unlock", Playbooks.fixed(dir, "unlock.yml"))
                      .vars(vars)
                      .become(true)
                      .timeout(TIMEOUT)
                      .build())
              .result(host);
    } catch (AnsibleException e) {
      throw new Exit(
          ExitCode.ROLLOUT_FAILED, "amble: cannot unlock " + host + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!run.ok()) {
      String problem =
          run.status().name().toLowerCase(java.util.Locale.ROOT)
              + (run.task().isEmpty() ? "" : " at \"" + run.task() + "\"")
              + ": "
              + run.message();
      if (output.json()) {
        ObjectNode json = result(d.project(), ws, by, when, Optional.empty(), run.log());
        json.put("error", problem);
        out.println(json.toPrettyString());
        out.flush();
      }
      throw new Exit(
          ExitCode.ROLLOUT_FAILED,
          "amble: could not unlock " + host + ": " + problem + "; see " + run.log());
    }
    Optional<JsonNode> removed = removedLock(dir, by, when);
    if (output.json()) {
      out.println(result(d.project(), ws, by, when, removed, run.log()).toPrettyString());
    } else if (removed.isPresent()) {
      JsonNode lock = removed.get();
      String holder = text(lock, "workspace");
      int slash = holder.indexOf('/');
      out.printf(
          "Unlocked %s: removed the lock of project %s's workspace %s (rollout %s, controller %s,"
              + " since %s).%n"
              + "Recorded on the host: unlocked by %s at %s: %s%n",
          host,
          slash < 0 ? Amblefile.DEFAULT_PROJECT : holder.substring(0, slash),
          slash < 0 ? holder : holder.substring(slash + 1),
          text(lock, "rollout"),
          text(lock, "controller"),
          text(lock, "since"),
          by,
          when,
          reason);
    } else {
      out.printf("%s was not locked: nothing removed, nothing recorded.%n", host);
    }
    out.flush();
    return ExitCode.OK;
  }

  /** An unknown host is bad input, said before anything runs. */
  private void requireInInventory(
      ProcessRunner runner, Definition d, Path folder, WorkspaceDir dir) {
    Inventory.Hosts all;
    try {
      all =
          new Inventory(runner)
              .resolve(d.workspace().inventory(), "all", Optional.empty(), folder, dir);
    } catch (AnsibleException e) {
      throw Exit.badInput("amble: " + e.getMessage());
    }
    if (!all.names().contains(host)) {
      throw Exit.badInput(
          "amble: unknown host "
              + host
              + ": not in the inventory of workspace "
              + d.workspace().name()
              + d.workspace().inventory().map(i -> " (" + i + ")").orElse(""));
    }
  }

  /**
   * The lock this run removed, as unlock.yml recorded it on the host and the refreshed cache shows
   * it: the record is this run's when it has this run's time and operator.
   */
  private Optional<JsonNode> removedLock(WorkspaceDir dir, String by, String when) {
    JsonNode record =
        new FactCache(dir.facts())
            .read(host)
            .map(f -> f.at("/ansible_local/amble_state/unlocked"))
            .orElse(JSON.missingNode());
    if (record.isObject()
        && when.equals(record.path("when").asText())
        && by.equals(record.path("by").asText())
        && record.path("lock").isObject()) {
      return Optional.of(record.get("lock"));
    }
    return Optional.empty();
  }

  private ObjectNode result(
      String project, String ws, String by, String when, Optional<JsonNode> removed, String log) {
    ObjectNode json = JSON.createObjectNode();
    json.put("host", host);
    json.put("project", project);
    json.put("workspace", ws);
    json.put("unlocked", removed.isPresent());
    if (removed.isPresent()) {
      json.set("lock", removed.get());
    } else {
      json.putNull("lock");
    }
    json.put("by", by);
    json.put("when", when);
    json.put("reason", reason);
    json.put("log", log);
    return json;
  }

  private static String text(JsonNode lock, String key) {
    String value = lock.path(key).asText("");
    return value.isEmpty() ? "?" : value;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
