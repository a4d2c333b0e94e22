package dev.amble.notify;

import java.time.Duration;
import java.util.List;

/**
 * A notifier's start, or what it carries over a continue-as-new: all of it bounded.
 *
 * @param giveUpAfter how long a delivery is retried before it gives up
 * @param givenUp the latest deliveries that gave up, at most {@link NotifierWorkflow#KEEP_GIVEN_UP}
 * @param seen the latest event IDs delivered, at most {@link NotifierWorkflow#KEEP_SEEN}
 * @param queued notices received and not yet handed to a delivery
 */
public record NotifierInput(
    Duration giveUpAfter, List<GivenUp> givenUp, List<String> seen, List<Notice> queued) {
  public NotifierInput {
    giveUpAfter = giveUpAfter == null ? NotifierWorkflow.GIVE_UP_AFTER : giveUpAfter;
    givenUp = givenUp == null ? List.of() : List.copyOf(givenUp);
    seen = seen == null ? List.of() : List.copyOf(seen);
    queued = queued == null ? List.of() : List.copyOf(queued);
  }

  public static NotifierInput start(Duration giveUpAfter) {
    return new NotifierInput(giveUpAfter, List.of(), List.of(), List.of());
  }
}
