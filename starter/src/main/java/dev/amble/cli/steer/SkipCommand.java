package dev.amble.cli.steer;

import dev.amble.rollout.HostSteering;
import dev.amble.rollout.RolloutStatus;
import picocli.CommandLine.Command;

/** {@code amble skip HOST}: leave a host the running rollout has not walked yet out. */
@Command(
    header = "Leaves a host the running rollout has not walked yet out.",
    name = "skip",
    mixinStandardHelpOptions = true,
    description = {
      "The running rollout does not walk HOST: when its turn comes, it is counted skipped and"
          + " never contacted. Refused when HOST is in flight (its walk goes on) or failed and"
          + " waits for a release (`amble release --except HOST` leaves it failed); a host the"
          + " rollout has walked already is not walked again anyway. At most 100 hosts wait to be"
          + " skipped at once.",
      "The Web UI and the `temporal` CLI can send the same as the signal `skip` with"
          + " {\"host\": \"HOST\", \"reason\": \"...\", \"rollout\": \"FIRST-RUN-ID\"}.",
      ""
    })
public final class SkipCommand extends OneHostCommand {
  @Override
  Steer<HostSteering> steer() {
    return Steer.SKIP;
  }

  @Override
  String meanwhile() {
    return " Until then, the rollout may reach the host.";
  }

  @Override
  String done(String workspace, RolloutStatus s) {
    return "The rollout of " + workspace + " will not walk " + host + ".";
  }
}
