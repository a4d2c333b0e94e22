package dev.amble.host;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One job's preconditions with the options of its use, to evaluate on fresh facts. */
public record JobPreconditions(String job, String preconditions, ObjectNode options) {}
