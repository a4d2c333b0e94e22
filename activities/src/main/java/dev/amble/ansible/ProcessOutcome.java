package dev.amble.ansible;

import java.time.Duration;

/** How an Ansible process ended. */
public record ProcessOutcome(int exitCode, boolean timedOut, Duration elapsed) {}
