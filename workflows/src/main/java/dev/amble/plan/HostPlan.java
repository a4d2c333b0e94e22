package dev.amble.plan;

/**
 * The decision for one host, and why, in words.
 *
 * @param note something the operator should know that does not change the decision, like a lock
 *     held by another workspace; empty when there is nothing to say
 */
public record HostPlan(String host, Decision decision, String reason, String note) {}
