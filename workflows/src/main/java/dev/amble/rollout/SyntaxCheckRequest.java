package dev.amble.rollout;

import dev.amble.amblefile.Definition;

/**
 * Run Ansible's {@code --syntax-check} over every playbook a rollout of {@code definition} would
 * run (each job's, each health check's of Ansible tasks), against the content it was started with.
 */
public record SyntaxCheckRequest(Definition definition) {}
