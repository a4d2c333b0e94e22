package dev.amble.cli.parts;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.Notification;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.notify.Delivery;
import dev.amble.notify.DeliveryActivitiesImpl;
import dev.amble.notify.Notice;
import dev.amble.notify.NotifyEvent;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code amble notify test -w W}: a test message to each of the workspace's targets. */
@Command(
    name = "test",
    header = "Sends a test message to each of the workspace's notify: targets.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sends one message of kind \"test\" to each target of the workspace's notify:, from this"
          + " machine, at once, without retries and without Temporal: the secrets come from this"
          + " shell's environment, by the names the Amblefile gives (a rollout's deliveries read"
          + " them from the worker's). Run it where the workers run, with their environment, to"
          + " check what they will send. A target's events: list does not filter a test.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 every target took its message; 1 a target failed (each is named, with why);"
          + " 2 bad input (the workspace has no notify:).",
      ""
    })
final class NotifyTestCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;

  @Override
  public Integer call() {
    Invocation amble = Invocation.of(spec);
    String ws = amble.workspace(workspace.get());
    Definition d = amble.amblefile().definition(ws);
    List<Notification> targets = d.workspace().notifications();
    if (targets.isEmpty()) {
      throw Exit.badInput("amble: workspace " + ws + " has no notify: in " + d.amblefile());
    }
    String id = "test/" + UUID.randomUUID();
    NotifyEvent event =
        new NotifyEvent(
            id,
            "test",
            d.project(),
            ws,
            "amble/" + d.project() + "/" + ws,
            "",
            "",
            Instant.now().toString(),
            "a test message sent by " + Identity.operator() + " with `amble notify test`",
            "",
            "",
            "",
            List.of("amble status -w " + ws),
            Map.of());
    DeliveryActivitiesImpl deliveries =
        DeliveryActivitiesImpl.outsideTemporal(amble.env(), Clock.systemUTC());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> failed = new ArrayList<>();
    for (Notification n : targets) {
      try {
        deliveries.deliver(new Delivery(new Notice(event, List.of(n), ""), n));
        out.printf("%s: sent%n", n.target().describe());
      } catch (ApplicationFailure f) {
        failed.add(n.target().describe());
        err.printf("amble: %s: failed: %s%n", n.target().describe(), f.getOriginalMessage());
      }
    }
    out.flush();
    err.flush();
    if (!failed.isEmpty()) {
      throw new Exit(
          ExitCode.ROLLOUT_FAILED,
          "amble: "
              + failed.size()
              + " of "
              + targets.size()
              + " targets failed: "
              + String.join("; ", failed));
    }
    return ExitCode.OK;
  }
}
