package dev.amble.cli.start;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.OutputOption;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.content.ContentStore;
import dev.amble.schedule.ScheduledRollout;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amble schedule}: rollouts started on a calendar, by Temporal Schedules. */
@Command(
    header = "Starts rollouts on a calendar (Temporal Schedules).",
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = {
      "A schedule starts the rollout of a workspace at the times of a cron expression, read in a"
          + " time zone. What it starts (the workspace's definition with the options given, and the"
          + " Ansible content, by digest) is fixed when it is created or updated.",
      "",
      "Each start runs a short launcher workflow (ID amble/@schedule/PROJECT/WORKSPACE/NAME plus"
          + " the time) that starts the rollout under its usual ID amble/PROJECT/WORKSPACE: when"
          + " the workspace already has a rollout running, that start is skipped and recorded"
          + " (`amble schedule describe`).",
      "",
      "Schedules need a real Temporal server (`amble server`); Temporal's test server, which"
          + " --embedded runs, has none.",
      ""
    },
    subcommands = {
      ScheduleCommand.Create.class,
      ScheduleCommand.ListSchedules.class,
      ScheduleCommand.Describe.class,
      ScheduleCommand.Pause.class,
      ScheduleCommand.Unpause.class,
      ScheduleCommand.Trigger.class,
      ScheduleCommand.Update.class,
      ScheduleCommand.Delete.class
    })
public final class ScheduleCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The schedule-level memo key that names the workspace (for list). */
  static final String WORKSPACE = "workspace";

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Creates a schedule that starts the workspace's rollout at the cron's times. The run"
            + " options are those of `amble run`.",
        "Defaults: --time-zone "
            + ScheduleCalendar.DEFAULT_TIME_ZONE
            + ", --catch-up-window "
            + ScheduleCalendar.DEFAULT_CATCH_UP_WINDOW
            + ", --jitter "
            + ScheduleCalendar.DEFAULT_JITTER
            + "."
      })
  static final class Create extends ScheduleDefinition {
    @Override
    public Integer call() {
      Invocation amble = Invocation.of(spec);
      String ws = amble.workspace(workspace.get());
      if (cron == null) {
        throw Exit.badInput("amble: --cron is required: when the schedule starts the rollout");
      }
      ScheduleCalendar calendar =
          ScheduleCalendar.of(
              cron,
              Optional.ofNullable(timeZone).orElse(ScheduleCalendar.DEFAULT_TIME_ZONE),
              Optional.ofNullable(catchUpWindow).orElse(ScheduleCalendar.DEFAULT_CATCH_UP_WINDOW),
              Optional.ofNullable(jitter).orElse(ScheduleCalendar.DEFAULT_JITTER));
      settings.definition(amble.definition(ws)); // bad run options end it before any connection
      PrintWriter out = spec.commandLine().getOut();
      try (Schedules schedules = Schedules.open(amble, temporal)) {
        if (schedules.find(name).isPresent()) {
          throw Exit.badInput(
              "amble: project "
                  + schedules.project
                  + " already has a schedule "
                  + name
                  + ": `amble schedule update "
                  + name
                  + "` changes it");
        }
        ScheduledRollout rollout = rollout(amble, schedules, ws, calendar, out);
        try {
          schedules.call(
              () ->
                  schedules.client.createSchedule(
                      schedules.id(name),
                      schedule(rollout, calendar, ScheduleState.newBuilder().build()),
                      ScheduleOptions.newBuilder().setMemo(Map.of(WORKSPACE, ws)).build()));
        } catch (ScheduleAlreadyRunningException e) {
          throw Exit.badInput(
              "amble: project " + schedules.project + " already has a schedule " + name);
        }
        return said(schedules, "created (ID " + schedules.id(name) + ")", rollout, calendar, out);
      }
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Packs the content and reads the workspace's definition again, with the run options given"
            + " now (as create does: earlier ones are not kept); --cron, --time-zone,"
            + " --catch-up-window and --jitter keep theirs unless given. The workspace stays the"
            + " schedule's."
      })
  static final class Update extends ScheduleDefinition {
    @Override
    public Integer call() {
      Invocation amble = Invocation.of(spec);
      PrintWriter out = spec.commandLine().getOut();
      try (Schedules schedules = Schedules.open(amble, temporal)) {
        ScheduleDescription before = schedules.require(name);
        ScheduledRollout old = ScheduleView.rollout(before);
        String ws = old.request().workspace();
        if (workspace.get().filter(w -> !w.equals(ws)).isPresent()) {
          throw Exit.badInput(
              "amble: schedule "
                  + name
                  + " starts workspace "
                  + ws
                  + ": a schedule keeps its workspace (delete it and create another)");
        }
        var spec0 = before.getSchedule().getSpec();
        ScheduleCalendar calendar =
            ScheduleCalendar.of(
                Optional.ofNullable(cron).orElse(old.cron()),
                Optional.ofNullable(timeZone).orElse(spec0.getTimeZoneName()),
                Optional.ofNullable(catchUpWindow)
                    .orElse(
                        dev.amble.amblefile.DurationText.format(
                            before.getSchedule().getPolicy().getCatchupWindow())),
                Optional.ofNullable(jitter)
                    .orElse(
                        dev.amble.amblefile.DurationText.format(
                            Optional.ofNullable(spec0.getJitter())
                                .orElse(java.time.Duration.ZERO))));
        ScheduledRollout rollout = rollout(amble, schedules, ws, calendar, out);
        schedules.run(
            () ->
                schedules
                    .handle(name)
                    .update(
                        input ->
                            new ScheduleUpdate(
                                schedule(
                                    rollout,
                                    calendar,
                                    input.getDescription().getSchedule().getState()))));
        return said(schedules, "updated", rollout, calendar, out);
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the project's schedules.")
  static final class ListSchedules implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin OutputOption output;
    @Mixin TemporalOptions temporal;

    @Override
    public Integer call() {
      try (Schedules schedules = Schedules.open(Invocation.of(spec), temporal)) {
        ScheduleView.list(schedules, output.json(), spec.commandLine().getOut());
        return ExitCode.OK;
      }
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description =
          "Shows a schedule: what it starts (workflow, content digest and commit, limit), when"
              + " (cron, time zone, next runs), and its recent starts with their outcome.")
  static final class Describe implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin OutputOption output;
    @Mixin TemporalOptions temporal;

    @Override
    public Integer call() {
      try (Schedules schedules = Schedules.open(Invocation.of(spec), temporal)) {
        ScheduleView.describe(
            schedules, name, schedules.require(name), output.json(), spec.commandLine().getOut());
        return ExitCode.OK;
      }
    }
  }

  /** pause, unpause, trigger, delete: one request on a named schedule. */
  abstract static class OnSchedule implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin TemporalOptions temporal;

    @Override
    public Integer call() {
      try (Schedules schedules = Schedules.open(Invocation.of(spec), temporal)) {
        ScheduleDescription d = schedules.require(name);
        String said = apply(schedules, d);
        spec.commandLine().getOut().println(said);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
      }
    }

    /** Does it; what to tell the operator. */
    abstract String apply(Schedules schedules, ScheduleDescription d);
  }

  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Pauses a schedule: it starts nothing until `amble schedule unpause`.")
  static final class Pause extends OnSchedule {
    @Option(
        names = "--note",
        paramLabel = "TEXT",
        description = "Why, shown by describe. Default: who paused it.")
    String note;

    @Override
    String apply(Schedules schedules, ScheduleDescription d) {
      String why = Optional.ofNullable(note).orElse("paused by " + Identity.operator());
      schedules.run(() -> schedules.handle(name).pause(why));
      return "Schedule " + name + " paused: " + why + ".";
    }
  }

  @Command(
      name = "unpause",
      mixinStandardHelpOptions = true,
      description = "Unpauses a schedule; its content is marked used again, as at each start.")
  static final class Unpause extends OnSchedule {
    @Override
    String apply(Schedules schedules, ScheduleDescription d) {
      ScheduledRollout r = ScheduleView.rollout(d);
      r.request()
          .definition()
          .content()
          .ifPresent(
              ref ->
                  new ContentStore(schedules.session.client, r.taskQueue())
                      .keep(ref, Instant.now()));
      schedules.run(() -> schedules.handle(name).unpause("unpaused by " + Identity.operator()));
      return "Schedule " + name + " unpaused.";
    }
  }

  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description =
          "Starts the schedule's rollout now, as at one of its times (skipped, and recorded, when"
              + " the workspace has a rollout running).")
  static final class Trigger extends OnSchedule {
    @Override
    String apply(Schedules schedules, ScheduleDescription d) {
      schedules.run(
          () ->
              schedules
                  .handle(name)
                  .trigger(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL));
      return "Schedule "
          + name
          + " triggered: its launcher starts the rollout (`amble schedule describe "
          + name
          + "` shows the outcome).";
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a schedule. A rollout it started goes on.")
  static final class Delete extends OnSchedule {
    @Override
    String apply(Schedules schedules, ScheduleDescription d) {
      schedules.run(() -> schedules.handle(name).delete());
      return "Schedule " + name + " deleted.";
    }
  }
}
