package dev.amble.notify;

/**
 * A delivery the notifier stopped retrying.
 *
 * @param target the target as {@link dev.amble.amblefile.Notification.Target#describe} names it
 * @param event the event's ID
 * @param kind the event's kind
 * @param at when it gave up, ISO-8601 in UTC
 * @param why the last error, one line
 */
public record GivenUp(String target, String event, String kind, String at, String why) {
  /** "webhook https://… gave up at …: connection refused (event caught …)". */
  public String describe() {
    return "delivery to "
        + target
        + " gave up at "
        + at
        + ": "
        + why
        + " ("
        + kind
        + " event "
        + event
        + ")";
  }
}
