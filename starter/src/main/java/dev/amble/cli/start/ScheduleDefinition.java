package dev.amble.cli.start;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.SortOrder;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.rollout.RolloutRequest;
import dev.amble.schedule.LauncherWorkflow;
import dev.amble.schedule.ScheduledRollout;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleState;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code schedule create} and {@code schedule update} share: the rollout a schedule starts,
 * read from the Amblefile and packed now (its definition and content digest stay fixed until the
 * next update), and when it starts.
 */
abstract class ScheduleDefinition implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The schedule's name.")
  String name;

  @Mixin WorkspaceOption workspace;

  @Option(
      names = "--cron",
      paramLabel = "EXPR",
      description =
          "When it starts the rollout: minute hour day-of-month month day-of-week (e.g. \"0 2 * *"
              + " mon\", every Monday at 02:00), @daily and its kin, or @every DURATION.")
  String cron;

  @Option(
      names = "--time-zone",
      paramLabel = "ZONE",
      description = "The IANA zone the cron is read in, e.g. Europe/Berlin.")
  String timeZone;

  @Option(
      names = "--catch-up-window",
      paramLabel = "DURATION",
      description =
          "A start missed while the server was down happens late if it is at most this late.")
  String catchUpWindow;

  @Option(
      names = "--jitter",
      paramLabel = "DURATION",
      description = "Each start happens at a random moment up to this much after its time.")
  String jitter;

  @Mixin RolloutSettingsOptions settings;

  @Mixin TemporalOptions temporal;

  /** The rollout to start, its content kept in Temporal now. */
  ScheduledRollout rollout(
      Invocation amble,
      Schedules schedules,
      String ws,
      ScheduleCalendar calendar,
      PrintWriter out) {
    Definition given = settings.definition(amble.definition(ws));
    RolloutContent content = RolloutContent.pack(given);
    Definition d = content.keep(schedules.session.client, schedules.session.taskQueue, out);
    content.printNotes(spec.commandLine().getErr());
    RolloutRequest request =
        new RolloutRequest(
            d,
            settings.limit.get(),
            settings.seed == null ? 0 : settings.seed,
            d.workspace().concurrency(),
            false,
            settings.stompLocks,
            "schedule " + name,
            RolloutRequest.DEFAULT_HEARTBEAT_TIMEOUT,
            RolloutRequest.DEFAULT_EVENTS_PER_RUN,
            schedules.session.searchAttributes());
    return new ScheduledRollout(
        name, request, settings.seed == null, schedules.session.taskQueue, calendar.cron());
  }

  /** The schedule Temporal keeps: start the launcher with the rollout, at the calendar's times. */
  static Schedule schedule(
      ScheduledRollout rollout, ScheduleCalendar calendar, ScheduleState state) {
    return Schedule.newBuilder()
        .setAction(
            ScheduleActionStartWorkflow.newBuilder()
                .setWorkflowType(LauncherWorkflow.class)
                .setArguments(rollout)
                .setOptions(
                    WorkflowOptions.newBuilder()
                        .setWorkflowId(rollout.launcherId())
                        .setTaskQueue(rollout.taskQueue())
                        .build())
                .build())
        .setSpec(calendar.spec())
        .setPolicy(calendar.policy())
        .setState(state)
        .build();
  }

  /** Says what the schedule starts, when, and its next runs; the exit code. */
  int said(
      Schedules schedules,
      String done,
      ScheduledRollout rollout,
      ScheduleCalendar calendar,
      PrintWriter out) {
    out.printf("Schedule %s %s: %s; %s.%n", name, done, what(rollout), calendar.describe());
    ScheduleView.nextRuns(schedules.require(name), calendar.timeZone(), out);
    out.flush();
    return ExitCode.OK;
  }

  /** One line on what the schedule starts. */
  static String what(ScheduledRollout r) {
    Definition d = r.request().definition();
    return "workspace "
        + r.request().workspace()
        + ", workflow "
        + d.workflow().name()
        + ", "
        + d.workspace().sortOrder().word()
        + (d.workspace().sortOrder() == SortOrder.SHUFFLE
            ? r.freshSeed() ? " (a new seed each time)" : " (seed " + r.request().seed() + ")"
            : "")
        + ", "
        + r.request().concurrency()
        + " at a time"
        + r.request().limit().map(l -> ", limited to \"" + l + "\"").orElse("");
  }
}
