package dev.amble.cli.start;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.DurationText;
import dev.amble.content.ContentRef;
import dev.amble.content.ContentStore;
import dev.amble.schedule.Launch;
import dev.amble.schedule.ScheduledRollout;
import dev.amble.temporal.Executions;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** Schedules as people and programs read them: {@code schedule list} and {@code describe}. */
final class ScheduleView {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm z", Locale.ENGLISH);

  /** How many next times describe shows. */
  static final int NEXT_RUNS = 3;

  private ScheduleView() {}

  /** What the schedule starts, read back from its action. */
  static ScheduledRollout rollout(ScheduleDescription d) {
    return ((ScheduleActionStartWorkflow) d.getSchedule().getAction())
        .getArguments()
        .get(0, ScheduledRollout.class);
  }

  static void nextRuns(ScheduleDescription d, String timeZone, PrintWriter out) {
    out.printf("Next runs: %s%n", String.join(", ", next(d, timeZone)));
  }

  private static List<String> next(ScheduleDescription d, String timeZone) {
    if (d.getSchedule().getState().isPaused()) {
      return List.of("none (paused)");
    }
    return d.getInfo().getNextActionTimes().stream()
        .limit(NEXT_RUNS)
        .map(t -> at(t, timeZone))
        .toList();
  }

  private static String at(Instant t, String timeZone) {
    return WHEN.format(t.atZone(ZoneId.of(timeZone)));
  }

  /** One recent start: when, the launcher, and what it did. */
  record Recent(Instant scheduledAt, String launcher, String outcome) {}

  private static List<Recent> recent(Schedules schedules, ScheduleDescription d) {
    List<Recent> all = new ArrayList<>();
    for (ScheduleActionResult r : d.getInfo().getRecentActions()) {
      if (r.getAction() instanceof ScheduleActionExecutionStartWorkflow w) {
        all.add(new Recent(r.getScheduledAt(), w.getWorkflowId(), outcome(schedules, w)));
      }
    }
    all.sort(Comparator.comparing(Recent::scheduledAt).reversed());
    return all;
  }

  /** {@code started run X}, {@code skipped: already running ...}, or the launcher's state. */
  private static String outcome(Schedules schedules, ScheduleActionExecutionStartWorkflow w) {
    var client = schedules.session.client;
    WorkflowExecutionStatus status =
        Executions.describe(client, w.getWorkflowId())
            .map(x -> x.getWorkflowExecutionInfo().getStatus())
            .orElse(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED);
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_COMPLETED ->
          client
              .newUntypedWorkflowStub(w.getWorkflowId(), Optional.empty(), Optional.empty())
              .getResult(Launch.class)
              .text();
      case WORKFLOW_EXECUTION_STATUS_RUNNING -> "launching (waits for a worker)";
      case WORKFLOW_EXECUTION_STATUS_UNSPECIFIED -> "gone (past the namespace's retention)";
      default ->
          "launcher "
              + status
                  .name()
                  .substring("WORKFLOW_EXECUTION_STATUS_".length())
                  .toLowerCase(Locale.ROOT)
              + " (see workflow "
              + w.getWorkflowId()
              + ")";
    };
  }

  static void describe(
      Schedules schedules, String name, ScheduleDescription d, boolean json, PrintWriter out) {
    ScheduledRollout r = rollout(d);
    ScheduleSpec spec = d.getSchedule().getSpec();
    String zone =
        Optional.ofNullable(spec.getTimeZoneName()).filter(z -> !z.isEmpty()).orElse("UTC");
    Duration catchUp = d.getSchedule().getPolicy().getCatchupWindow();
    Duration jitter = Optional.ofNullable(spec.getJitter()).orElse(Duration.ZERO);
    Optional<ContentRef> content = r.request().definition().content();
    Instant lastUse =
        Stream.concat(
                Stream.of(d.getInfo().getCreatedAt(), d.getInfo().getLastUpdatedAt()),
                d.getInfo().getRecentActions().stream().map(ScheduleActionResult::getStartedAt))
            .filter(t -> t != null)
            .max(Comparator.naturalOrder())
            .orElse(Instant.now());
    Instant keptUntil = lastUse.plus(ContentStore.KEEP);
    var state = d.getSchedule().getState();
    List<Recent> recent = recent(schedules, d);
    if (json) {
      ObjectNode o = JSON.createObjectNode();
      o.put("name", name);
      o.put("id", d.getId());
      o.put("project", r.request().definition().project());
      o.put("workspace", r.request().workspace());
      o.put("workflow", r.request().definition().workflow().name());
      o.put("paused", state.isPaused());
      o.put("note", Optional.ofNullable(state.getNote()).orElse(""));
      o.put("cron", r.cron());
      o.put("time_zone", zone);
      o.put("catch_up_window", DurationText.format(catchUp));
      o.put("jitter", DurationText.format(jitter));
      r.request().limit().ifPresent(l -> o.put("limit", l));
      o.put("concurrency", r.request().concurrency());
      content.ifPresent(
          c -> {
            ObjectNode cn = o.putObject("content");
            cn.put("digest", c.digest());
            c.commit().ifPresent(commit -> cn.put("commit", commit));
            cn.put("kept_until", keptUntil.toString());
          });
      ArrayNode next = o.putArray("next_runs");
      if (!state.isPaused()) {
        d.getInfo().getNextActionTimes().stream()
            .limit(NEXT_RUNS)
            .forEach(t -> next.add(t.toString()));
      }
      ArrayNode actions = o.putArray("recent");
      for (Recent a : recent) {
        ObjectNode an = actions.addObject();
        an.put("scheduled_at", a.scheduledAt().toString());
        an.put("launcher", a.launcher());
        an.put("outcome", a.outcome());
      }
      o.put("missed_catch_up_window", d.getInfo().getNumActionsMissedCatchupWindow());
      o.put("skipped_overlap", d.getInfo().getNumActionsSkippedOverlap());
      out.println(JSON.valueToTree(o).toPrettyString());
      out.flush();
      return;
    }
    out.printf(
        "Schedule %s (ID %s): %s%n",
        name,
        d.getId(),
        state.isPaused()
            ? "paused" + Optional.ofNullable(state.getNote()).map(n -> ": " + n).orElse("")
            : "active");
    out.printf("  starts:   %s%n", ScheduleDefinition.what(r));
    out.printf(
        "  content:  %s%n",
        content
            .map(
                c ->
                    c.shortText() + ", kept until at least " + keptUntil + " (each start moves it)")
            .orElse("none"));
    out.printf(
        "  when:     cron \"%s\" in %s, catch-up window %s, jitter %s%n",
        r.cron(), zone, DurationText.format(catchUp), DurationText.format(jitter));
    out.printf("  next:     %s%n", String.join(", ", next(d, zone)));
    if (d.getInfo().getNumActionsMissedCatchupWindow() > 0) {
      out.printf(
          "  missed:   %d starts (later than the catch-up window)%n",
          d.getInfo().getNumActionsMissedCatchupWindow());
    }
    out.println("  recent:   " + (recent.isEmpty() ? "none yet" : ""));
    for (Recent a : recent) {
      out.printf("    %s  %s%n", at(a.scheduledAt(), zone), a.outcome());
    }
    out.flush();
  }

  static void list(Schedules schedules, boolean json, PrintWriter out) {
    String prefix = ScheduledRollout.scheduleId(schedules.project, "");
    List<ScheduleListDescription> found =
        schedules.call(
            () ->
                schedules
                    .client
                    .listSchedules(100)
                    .filter(s -> s.getScheduleId().startsWith(prefix))
                    .sorted(Comparator.comparing(ScheduleListDescription::getScheduleId))
                    .toList());
    ArrayNode array = JSON.createArrayNode();
    List<String[]> rows = new ArrayList<>();
    for (ScheduleListDescription s : found) {
      String name = s.getScheduleId().substring(prefix.length());
      Object memo = s.getMemo(ScheduleCommand.WORKSPACE, String.class);
      String workspace = memo == null ? "" : memo.toString();
      boolean paused = s.getSchedule().getState().isPaused();
      Optional<Instant> next =
          paused ? Optional.empty() : s.getInfo().getNextActionTimes().stream().findFirst();
      if (json) {
        ObjectNode o = array.addObject();
        o.put("name", name);
        o.put("workspace", workspace);
        o.put("paused", paused);
        next.ifPresent(t -> o.put("next_run", t.toString()));
      } else {
        rows.add(
            new String[] {
              name, workspace, paused ? "paused" : "active", next.map(Instant::toString).orElse("")
            });
      }
    }
    if (json) {
      out.println(array.toPrettyString());
    } else if (rows.isEmpty()) {
      out.printf(
          "Project %s has no schedules (`amble schedule create` makes one).%n", schedules.project);
    } else {
      int width = Math.max(4, rows.stream().mapToInt(x -> x[0].length()).max().orElse(4));
      int wsWidth = Math.max(9, rows.stream().mapToInt(x -> x[1].length()).max().orElse(9));
      String format = "%-" + width + "s  %-" + wsWidth + "s  %-6s  %s%n";
      out.printf(format, "NAME", "WORKSPACE", "STATE", "NEXT RUN");
      rows.forEach(x -> out.printf(format, (Object[]) x));
    }
    out.flush();
  }
}
