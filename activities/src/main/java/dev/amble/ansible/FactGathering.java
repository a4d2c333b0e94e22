package dev.amble.ansible;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.rollout.InitRequest;
import dev.amble.rollout.InitResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers the facts of a workspace's hosts into its fact cache: one ansible-playbook run of
 * init.yml. The same for {@code amble init} (the CLI, here) and the activity (on a worker).
 */
public final class FactGathering {
  static final Duration TIMEOUT = Duration.ofHours(6);

  private final ProcessRunner runner;

  public FactGathering(ProcessRunner runner) {
    this.runner = runner;
  }

  public InitResult gather(InitRequest request) {
    Path folder = Path.of(request.folder());
    WorkspaceDir dir =
        WorkspaceDir.of(folder, request.workspace().name())
            .withStore(request.workspace().factStore());
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    vars.put("amble_hosts", request.workspace().hostPattern());
    PlaybookRun.Finished run =
        PlaybookRun.run(
            runner,
            PlaybookInvocation.of(folder, dir, "init", Playbooks.fixed(dir, "init.yml"))
                .inventory(request.workspace().inventory())
                .limit(Limit.of(request.limit()))
                .vars(vars)
                .forks(request.forks())
                .timeout(TIMEOUT)
                .build());
    return result(run.outcome(), AnsibleEvents.read(run.events()), run.log());
  }

  static InitResult result(ProcessOutcome outcome, List<AnsibleEvents.Event> events, Path log) {
    Set<String> hosts = new LinkedHashSet<>();
    for (AnsibleEvents.Event e : events) {
      if (!e.host().isEmpty()) {
        hosts.add(e.host());
      }
    }
    Map<String, InitResult.HostProblem> problems = new LinkedHashMap<>();
    AnsibleEvents.problems(events)
        .forEach(
            (host, p) ->
                problems.put(
                    host, new InitResult.HostProblem(host, p.unreachable(), p.event().msg())));
    if (hosts.isEmpty() && outcome.exitCode() != 0) {
      throw new AnsibleException(
          AnsibleError.explain(
              "ansible-playbook exited " + outcome.exitCode() + " before any host ran", log));
    }
    List<InitResult.HostProblem> listed =
        problems.values().stream().limit(InitResult.LISTED).toList();
    return new InitResult(
        hosts.size(),
        hosts.size() - problems.size(),
        listed,
        problems.size() - listed.size(),
        log.toString());
  }
}
