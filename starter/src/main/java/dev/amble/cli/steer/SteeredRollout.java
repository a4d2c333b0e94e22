package dev.amble.cli.steer;

import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutWorkflow;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The workspace's running rollout, as catch, release and cancel steer it: connected to Temporal,
 * found running (else the command ends, exit code 2), said to be under the old ID when it is.
 */
final class SteeredRollout implements AutoCloseable {
  final TemporalSession session;
  final String workspace;
  final Rollouts.Found found;
  final PrintWriter out;
  final PrintWriter err;

  private SteeredRollout(
      TemporalSession session,
      String workspace,
      Rollouts.Found found,
      PrintWriter out,
      PrintWriter err) {
    this.session = session;
    this.workspace = workspace;
    this.found = found;
    this.out = out;
    this.err = err;
  }

  /** The workspace's rollout, which must be running; the caller closes its session. */
  static SteeredRollout open(
      CommandLine.Model.CommandSpec spec, WorkspaceOption workspace, TemporalOptions temporal) {
    Invocation amble = Invocation.of(spec);
    String ws = amble.workspace(workspace.get());
    PrintWriter err = spec.commandLine().getErr();
    TemporalSession session = TemporalSession.connect(amble, temporal);
    try {
      String project = amble.amblefile().project();
      Rollouts.Found found = Rollouts.requireRunning(session.client, project, ws);
      Rollouts.sayIfOldId(found, project, ws, err);
      return new SteeredRollout(session, ws, found, spec.commandLine().getOut(), err);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  WorkflowClient client() {
    return session.client;
  }

  /** The rollout, to query, update and signal (its latest run). */
  RolloutWorkflow stub() {
    return Rollouts.stub(session.client, found);
  }

  /** The rollout's own name for itself, which steering names (see {@link Rollouts#firstRunId}). */
  String firstRunId() {
    return Rollouts.firstRunId(session.client, found);
  }

  /**
   * {@code steer}'s update, or its signal when no worker polls to take the update; see {@link
   * #updateOrSignal}.
   *
   * @param meanwhile what the rollout does until a worker applies the signal
   */
  <R> Optional<RolloutStatus> send(Steer<R> steer, R request, String meanwhile) {
    RolloutWorkflow rollout = stub();
    return updateOrSignal(
        session,
        found,
        workspace,
        steer.what(),
        meanwhile,
        () -> steer.signal().accept(rollout, request),
        () -> steer.update().apply(rollout, request),
        out,
        err);
  }

  /**
   * Steers the running rollout by its update, whose answer is the rollout's status once applied;
   * or, when no worker polls to take the update (it would wait for one), by the signal carrying the
   * same request, after saying so: empty then.
   *
   * @param what the steering, for the operator: {@code Catch}, {@code Cancel}
   * @param meanwhile what the rollout does until a worker applies the signal
   */
  static Optional<RolloutStatus> updateOrSignal(
      TemporalSession session,
      Rollouts.Found found,
      String workspace,
      String what,
      String meanwhile,
      Runnable signal,
      Supplier<RolloutStatus> update,
      PrintWriter out,
      PrintWriter err) {
    Optional<String> noWorker = Rollouts.noWorker(session.client, found, session.address);
    if (noWorker.isPresent()) {
      signal.run();
      sentAsSignal(out, err, what, workspace, noWorker.get(), meanwhile);
      return Optional.empty();
    }
    return Optional.of(update.get());
  }

  /**
   * What steering says when no worker can take its update (it would wait for one): it sent the
   * signal instead, which the rollout keeps in its history until a worker applies it.
   */
  static void sentAsSignal(
      PrintWriter out, PrintWriter err, String what, String workspace, String why, String more) {
    out.printf(
        "%s of the rollout of %s sent: it takes effect when a worker runs.%s%n",
        what, workspace, more);
    out.flush();
    err.printf("amble: %s.%n", why);
    err.flush();
  }

  @Override
  public void close() {
    session.close();
  }
}
