package dev.amble.amblefile;

/**
 * At most {@code maxInFlight} hosts in flight per value of the inventory var {@code var} (a rack,
 * an availability zone, a shard), beside the workspace's concurrency. Hosts without the var share
 * one domain, {@link #NONE}.
 */
public record FailureDomain(String var, int maxInFlight) {
  /** The domain of the hosts that do not have the var. */
  public static final String NONE = "(none)";

  /** The most hosts a domain may have in flight. */
  public static final int MOST = 1000;
}
