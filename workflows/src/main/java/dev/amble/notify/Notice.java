package dev.amble.notify;

import dev.amble.amblefile.Notification;
import java.util.List;

/**
 * An event and the targets that want it, as the rollout hands it to its workspace's notifier.
 *
 * @param namespace the rollout's Temporal namespace (for a Web UI link)
 */
public record Notice(NotifyEvent event, List<Notification> targets, String namespace) {
  public Notice {
    targets = targets == null ? List.of() : List.copyOf(targets);
    namespace = namespace == null ? "" : namespace;
  }
}
