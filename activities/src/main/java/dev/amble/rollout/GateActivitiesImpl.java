package dev.amble.rollout;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.Gate;
import dev.amble.ansible.ActivityHeartbeat;
import dev.amble.ansible.AnsibleEvents;
import dev.amble.ansible.PlaybookInvocation;
import dev.amble.ansible.PlaybookRun;
import dev.amble.ansible.Playbooks;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspaceDir;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.Optional;

/** {@link GateActivities}: HTTP probes from this worker, and Ansible tasks through ansible-playbook. */
public final class GateActivitiesImpl implements GateActivities {
  private final ProcessRunner runner;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  public GateActivitiesImpl(ProcessRunner runner) {
    this.runner = runner;
  }

  @Override
  public GateCheck check(GateRequest request) {
    Gate.Check check = request.gate().check();
    if (check instanceof Gate.Check.Http probe) {
      return probe(probe, request);
    }
    return tasks((Gate.Check.Tasks) check, request);
  }

  /** The URL with {host}, {workspace} and {wave} filled in. */
  static String url(String template, GateRequest r) {
    return template
        .replace("{host}", r.host().orElse(""))
        .replace("{workspace}", r.workspace())
        .replace("{wave}", Integer.toString(r.wave()));
  }

  private GateCheck probe(Gate.Check.Http probe, GateRequest r) {
    String url = url(probe.url(), r);
    try {
      HttpResponse<Void> response =
          awaitHeartbeating(
              http.sendAsync(
                  HttpRequest.newBuilder(URI.create(url)).timeout(r.gate().timeout()).GET().build(),
                  HttpResponse.BodyHandlers.discarding()),
              "GET " + url);
      if (response.statusCode() == probe.expectStatus()) {
        return new GateCheck(true, "");
      }
      return new GateCheck(false, "GET " + url + ": status " + response.statusCode() + ", expected " + probe.expectStatus());
    } catch (IOException | IllegalArgumentException e) {
      return new GateCheck(false, "GET " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new GateCheck(false, "GET " + url + ": interrupted");
    }
  }

  /**
   * Waits for a probe, heartbeating while it is on its way: a probe slower than the heartbeat
   * timeout must end by the gate's own timeout, not be taken for a dead worker and sent again.
   * A cancelled activity's heartbeat throws, which abandons the request.
   */
  private static <T> T awaitHeartbeating(CompletableFuture<T> pending, String doing)
      throws IOException, InterruptedException {
    ProcessRunner.Progress heartbeat = ActivityHeartbeat.current();
    try {
      while (true) {
        try {
          return pending.get(2, TimeUnit.SECONDS);
        } catch (TimeoutException stillWaiting) {
          heartbeat.report(doing);
        }
      }
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(failed.getCause().getMessage(), failed.getCause());
    } finally {
      pending.cancel(true);
    }
  }

  private GateCheck tasks(Gate.Check.Tasks tasks, GateRequest r) {
    Path folder = Path.of(r.folder());
    Path playbook = Playbooks.check(folder, r.workspace(), r.gate().name(), tasks.tasks(), tasks.become());
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    vars.put("amble_operation", true);
    vars.put("amble_check_hosts", tasks.hosts());
    vars.put("amble_workspace", r.workspace());
    vars.put("amble_wave", r.wave());
    vars.put("amble_host", r.host().orElse(""));
    PlaybookRun.Finished run =
        PlaybookRun.run(
            runner,
            PlaybookInvocation.of(folder, r.workspace(), WorkspaceDir.fileName(r.gate().name()), playbook)
                .inventory(r.inventory())
                .vars(vars)
                .check(r.dryRun())
                .timeout(r.gate().timeout())
                .become(tasks.become())
                .logs(WorkspaceDir.of(folder, r.workspace()).logs().resolve("checks"))
                .build());
    List<AnsibleEvents.Event> events = AnsibleEvents.read(run.events());
    Optional<AnsibleEvents.Problem> problem = AnsibleEvents.problems(events).values().stream().findFirst();
    if (problem.isPresent()) {
      AnsibleEvents.Event e = problem.get().event();
      return new GateCheck(false, e.host() + ": " + e.task() + ": " + e.msg() + " (log: " + run.log() + ")");
    }
    if (run.outcome().timedOut()) {
      return new GateCheck(false, "timed out after " + r.gate().timeout() + " (log: " + run.log() + ")");
    }
    if (events.stream().noneMatch(e -> !e.host().isEmpty())) {
      return new GateCheck(false, "no host matches \"" + tasks.hosts() + "\" (log: " + run.log() + ")");
    }
    if (run.outcome().exitCode() != 0) {
      return new GateCheck(false, "ansible-playbook exited " + run.outcome().exitCode() + " (log: " + run.log() + ")");
    }
    return new GateCheck(true, "");
  }
}
