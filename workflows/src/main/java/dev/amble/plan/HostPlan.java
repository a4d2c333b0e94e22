package dev.amble.plan;

/**
 * The decision for one host, and why, in words.
 *
 * @param note something the operator should know that does not change the decision, like a lock
 *     held by another workspace; empty when there is nothing to say
 * @param tier the host's tier, when the workspace walks in tiers; empty otherwise
 * @param domain the host's failure domain, when the workspace has one; empty otherwise
 */
public record HostPlan(
    String host, Decision decision, String reason, String note, String tier, String domain) {
  public HostPlan {
    tier = tier == null ? "" : tier;
    domain = domain == null ? "" : domain;
  }

  /** A host of a workspace without tiers or failure domains. */
  public HostPlan(String host, Decision decision, String reason, String note) {
    this(host, decision, reason, note, "", "");
  }

  /** The same host with another decision, reason and note, in the same place. */
  public HostPlan decided(Decision d, String why, String aside) {
    return new HostPlan(host, d, why, aside, tier, domain);
  }

  /** The same decision and place for another host (one with the same facts and vars). */
  public HostPlan forHost(String other) {
    return new HostPlan(other, decision, reason, note, tier, domain);
  }
}
