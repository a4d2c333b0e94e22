package dev.amble.rollout;

import dev.amble.amblefile.Definition;
import java.util.Optional;

/** Resolve and plan a workspace's hosts from their cached facts, in walk order. */
public record PlanRequest(Definition definition, Optional<String> limit, long seed) {}
