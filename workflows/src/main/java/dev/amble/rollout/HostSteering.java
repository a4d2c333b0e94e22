package dev.amble.rollout;

/**
 * Steering of one host of a rollout: walk a failed host again ({@code amble retry}) or leave a host
 * not yet walked out ({@code amble skip}).
 *
 * @param host the host, as the inventory names it
 * @param by who steers (the CLI's user@host; the Web UI when a signal leaves it out)
 * @param reason why, in words; may be empty
 * @param rollout the rollout it steers: its first run ID ({@link RolloutStatus#rollout}); empty for
 *     any
 */
public record HostSteering(String host, String by, String reason, String rollout) {
  /** The longest host name steered: a DNS name's. */
  static final int HOST_MAX = 255;

  /** The longest "by" kept: a signal typed by hand may say anything. */
  static final int BY_MAX = 100;

  public HostSteering {
    host = host == null ? "" : host.strip();
    by = by == null || by.isBlank() ? "the Web UI" : by;
    by = by.length() > BY_MAX ? by.substring(0, BY_MAX - 3) + "..." : by;
    reason = reason == null ? "" : reason;
    rollout = rollout == null ? "" : rollout;
  }
}
