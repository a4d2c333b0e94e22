package dev.amble.precondition;

/** A problem in a precondition's text, at a 1-based line and column of that text. */
public record PreconditionIssue(int line, int column, String message) {}
