package dev.amble.rollout;

import dev.amble.amblefile.Definition;
import java.util.Optional;

/**
 * Plan a workspace from its cached facts, in walk order, and keep the plan in Temporal as pages
 * under {@code prefix}.
 */
public record PlanPagesRequest(
    Definition definition, Optional<String> limit, long seed, String prefix) {}
