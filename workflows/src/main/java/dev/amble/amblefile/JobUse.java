package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One use of a job in a workflow, with the options this use gives it. */
public record JobUse(String job, ObjectNode options) {}
