package dev.amble.cli.start;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.schedule.ScheduledRollout;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The project's schedules in Temporal (ID {@link ScheduledRollout#scheduleId}): a session and
 * Temporal's schedule client over it. Temporal's test server (what {@code --embedded} runs) has no
 * schedules: every call there ends the command with exit code 2 and says so.
 */
final class Schedules implements AutoCloseable {
  final TemporalSession session;
  final ScheduleClient client;
  final String project;

  private Schedules(TemporalSession session, String project) {
    this.session = session;
    this.project = project;
    WorkflowClient c = session.client;
    this.client =
        ScheduleClient.newInstance(
            c.getWorkflowServiceStubs(),
            ScheduleClientOptions.newBuilder()
                .setNamespace(c.getOptions().getNamespace())
                .setDataConverter(c.getOptions().getDataConverter())
                .setIdentity(Identity.operator())
                .build());
  }

  /** Connects to the configured server; the project is the Amblefile's. */
  static Schedules open(Invocation amble, TemporalOptions temporal) {
    String project = amble.amblefile().project();
    return new Schedules(TemporalSession.connect(amble, temporal), project);
  }

  String id(String name) {
    return ScheduledRollout.scheduleId(project, name);
  }

  ScheduleHandle handle(String name) {
    return client.getHandle(id(name));
  }

  /** The schedule's description, or empty when the project has no schedule of that name. */
  Optional<ScheduleDescription> find(String name) {
    try {
      return Optional.of(call(() -> handle(name).describe()));
    } catch (RuntimeException e) {
      if (code(e).filter(Status.Code.NOT_FOUND::equals).isPresent()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The schedule's description; a name the project has no schedule of is bad input. */
  ScheduleDescription require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                Exit.badInput(
                    "amble: project "
                        + project
                        + " has no schedule "
                        + name
                        + " (`amble schedule list` lists them)"));
  }

  /**
   * Runs a request to Temporal's schedules; the test server's "unimplemented" ends the command with
   * exit code 2 and what to do instead.
   */
  <T> T call(Supplier<T> request) {
    try {
      return request.get();
    } catch (RuntimeException e) {
      if (code(e).filter(Status.Code.UNIMPLEMENTED::equals).isPresent()) {
        throw Exit.badInput(
            "amble: the Temporal server at "
                + session.address
                + " has no schedules: it is Temporal's test server (what --embedded runs), which"
                + " does not implement them. Schedules need a real server: `amble server` starts"
                + " one.");
      }
      throw e;
    }
  }

  void run(Runnable request) {
    call(
        () -> {
          request.run();
          return null;
        });
  }

  private static Optional<Status.Code> code(Throwable e) {
    return Stream.iterate(e, c -> c != null, Throwable::getCause)
        .limit(20)
        .filter(StatusRuntimeException.class::isInstance)
        .map(c -> ((StatusRuntimeException) c).getStatus().getCode())
        .findFirst();
  }

  @Override
  public void close() {
    session.close();
  }
}
