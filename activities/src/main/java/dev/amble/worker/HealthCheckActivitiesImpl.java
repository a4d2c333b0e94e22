package dev.amble.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import dev.amble.amblefile.HealthCheck;
import dev.amble.ansible.ActivityHeartbeat;
import dev.amble.ansible.AnsibleError;
import dev.amble.ansible.AnsibleEvents;
import dev.amble.ansible.PlaybookInvocation;
import dev.amble.ansible.PlaybookRun;
import dev.amble.ansible.Playbooks;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.facts.FactStore;
import dev.amble.health.HealthCheckActivities;
import dev.amble.health.HealthCheckAnswer;
import dev.amble.health.HealthCheckRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link HealthCheckActivities}: HTTP probes from this worker, and Ansible tasks through
 * ansible-playbook.
 */
public final class HealthCheckActivitiesImpl implements HealthCheckActivities {
  private final ProcessRunner runner;
  // Built at the first probe: a client costs about a tenth of a second of CPU (its selector
  // thread, the default TLS context and its trust store), which a worker without HTTP health
  // checks never needs to pay.
  private final Supplier<HttpClient> http =
      Suppliers.memoize(
          () -> HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build());

  private final ContentFolders contents;

  public HealthCheckActivitiesImpl(ProcessRunner runner) {
    this(runner, ContentFolders.inPlace(java.time.Clock.systemUTC()));
  }

  public HealthCheckActivitiesImpl(ProcessRunner runner, ContentFolders contents) {
    this.contents = contents;
    this.runner = runner;
  }

  @Override
  public HealthCheckAnswer run(HealthCheckRequest request) {
    HealthCheck.Probe check = request.healthCheck().probe();
    if (check instanceof HealthCheck.Probe.Http probe) {
      return probe(probe, request);
    }
    return tasks((HealthCheck.Probe.Tasks) check, request);
  }

  /** The URL with {host}, {workspace} and {wave} filled in. */
  static String url(String template, HealthCheckRequest r) {
    return template
        .replace("{host}", r.host().orElse(""))
        .replace("{workspace}", r.workspace())
        .replace("{wave}", Integer.toString(r.wave()));
  }

  private HealthCheckAnswer probe(HealthCheck.Probe.Http probe, HealthCheckRequest r) {
    String url = url(probe.url(), r);
    try {
      HttpResponse<Void> response =
          awaitHeartbeating(
              http.get()
                  .sendAsync(
                      HttpRequest.newBuilder(URI.create(url))
                          .timeout(r.healthCheck().timeout())
                          .GET()
                          .build(),
                      HttpResponse.BodyHandlers.discarding()),
              "GET " + url);
      if (response.statusCode() == probe.expectStatus()) {
        return new HealthCheckAnswer(true, "");
      }
      return new HealthCheckAnswer(
          false,
          "GET "
              + url
              + ": status "
              + response.statusCode()
              + ", expected "
              + probe.expectStatus());
    } catch (IOException | IllegalArgumentException e) {
      return new HealthCheckAnswer(
          false,
          "GET "
              + url
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HealthCheckAnswer(false, "GET " + url + ": interrupted");
    }
  }

  /**
   * Waits for a probe, heartbeating while it is on its way: a probe slower than the heartbeat
   * timeout must end by the health check's own timeout, not be taken for a dead worker and sent
   * again. A cancelled activity's heartbeat throws, which abandons the request.
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

  private HealthCheckAnswer tasks(HealthCheck.Probe.Tasks tasks, HealthCheckRequest r) {
    ContentFolders.Local here = contents.local(r.folder(), r.content());
    Path folder = here.folder();
    WorkspaceDir dir = here.dir(r.project(), r.workspace(), new FactStore.Jsonfile());
    Path playbook =
        Playbooks.check(
            folder, r.workspace(), r.healthCheck().name(), tasks.tasks(), tasks.become());
    ObjectNode vars = JsonNodeFactory.instance.objectNode();
    vars.put("amble_operation", true);
    vars.put("amble_check_hosts", tasks.hosts());
    vars.put("amble_workspace", r.workspace());
    vars.put("amble_wave", r.wave());
    vars.put("amble_host", r.host().orElse(""));
    PlaybookRun.Finished run =
        PlaybookRun.run(
            runner,
            PlaybookInvocation.of(
                    folder, dir, WorkspaceDir.fileName(r.healthCheck().name()), playbook)
                .inventory(here.path(r.inventory()))
                .vars(vars)
                .dryRun(r.dryRun())
                .timeout(r.healthCheck().timeout())
                .become(tasks.become())
                .logs(dir.logs().resolve("checks"))
                .build());
    List<AnsibleEvents.Event> events = AnsibleEvents.read(run.events());
    Optional<AnsibleEvents.Problem> problem =
        AnsibleEvents.problems(events).values().stream().findFirst();
    if (problem.isPresent()) {
      AnsibleEvents.Event e = problem.get().event();
      return new HealthCheckAnswer(
          false, e.host() + ": " + e.task() + ": " + e.msg() + " (log: " + run.log() + ")");
    }
    if (run.outcome().timedOut()) {
      return new HealthCheckAnswer(
          false, "timed out after " + r.healthCheck().timeout() + " (log: " + run.log() + ")");
    }
    if (events.stream().noneMatch(e -> !e.host().isEmpty())) {
      return new HealthCheckAnswer(
          false, "no host matches \"" + tasks.hosts() + "\" (log: " + run.log() + ")");
    }
    if (run.outcome().exitCode() != 0) {
      return new HealthCheckAnswer(
          false,
          AnsibleError.explain("ansible-playbook exited " + run.outcome().exitCode(), run.log()));
    }
    return new HealthCheckAnswer(true, "");
  }
}
