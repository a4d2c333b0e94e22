package dev.amble.notify;

/** Hands a rollout's notice to its workspace's notifier: signal-with-start, nothing more. */
public final class NoticeActivitiesImpl implements NoticeActivities {
  private final NotifierClient notifiers;

  public NoticeActivitiesImpl(NotifierClient notifiers) {
    this.notifiers = notifiers;
  }

  @Override
  public void hand(Notice notice) {
    notifiers.hand(notice);
  }
}
