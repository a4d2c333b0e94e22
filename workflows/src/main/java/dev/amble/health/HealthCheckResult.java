package dev.amble.health;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.amble.amblefile.HealthCheck;

/**
 * One run of a health check.
 *
 * @param scope what it guarded: {@code host web03 (pre)}, {@code wave 2 (post)}, {@code continuous}
 * @param message why it failed, in one line (empty when it passed)
 * @param at when it ran (workflow time, ISO-8601)
 */
public record HealthCheckResult(
    @JsonAlias("gate") String healthCheck,
    String scope,
    boolean passed,
    HealthCheck.OnFailure onFailure,
    String message,
    String at) {}
