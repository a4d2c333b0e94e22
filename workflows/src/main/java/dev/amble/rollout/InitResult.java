package dev.amble.rollout;

import java.util.List;

/**
 * How fact gathering went: counts, and the hosts that could not be gathered, with why (at most
 * {@link #LISTED} of them listed; the rest counted).
 */
public record InitResult(
    int hosts, int gathered, List<HostProblem> problems, int unlisted, String log) {
  public static final int LISTED = 200;

  public record HostProblem(String host, boolean unreachable, String message) {}
}
