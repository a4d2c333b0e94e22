package dev.amble.cli.steer;

import dev.amble.rollout.HostSteering;
import dev.amble.rollout.RolloutStatus;
import picocli.CommandLine.Command;

/** {@code amble retry HOST}: walk one failed host again, the rollout staying caught. */
@Command(
    header = "Walks one failed host again while the rollout stays caught.",
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {
      "Walks HOST again now: a host that failed and waits for a release of the caught rollout. The"
          + " rollout stays caught for the other failed hosts and starts no other host; `amble"
          + " release` walks them all again, `amble release --except HOST` all but HOST. Should"
          + " HOST fail again, it waits for a release once more. Refused when the rollout is not"
          + " caught or HOST does not wait for a release.",
      "The Web UI and the `temporal` CLI can send the same as the signal `retry` with"
          + " {\"host\": \"HOST\", \"reason\": \"...\", \"rollout\": \"FIRST-RUN-ID\"}.",
      ""
    })
public final class RetryCommand extends OneHostCommand {
  @Override
  Steer<HostSteering> steer() {
    return Steer.RETRY;
  }

  @Override
  String meanwhile() {
    return " The host waits for a release until then.";
  }

  @Override
  String done(String workspace, RolloutStatus s) {
    return "Walking "
        + host
        + " of "
        + workspace
        + " again; the rollout stays caught"
        + (s.awaiting().isEmpty()
            ? "."
            : ", still waiting for a release: " + String.join(", ", s.awaiting()) + ".");
  }
}
