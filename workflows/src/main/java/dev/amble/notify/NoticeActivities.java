package dev.amble.notify;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Hands a notice to the workspace's notifier (signal-with-start): a rollout's local activity, since
 * workflow code cannot signal-with-start. Quick: it does not wait for any delivery.
 */
@ActivityInterface
public interface NoticeActivities {
  @ActivityMethod(name = "HandNotice")
  void hand(Notice notice);
}
