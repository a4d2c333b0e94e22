package dev.amble.health;

/** What a health check's run found: it passed, or why not, in one line. */
public record HealthCheckAnswer(boolean passed, String message) {}
