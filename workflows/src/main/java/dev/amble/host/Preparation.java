package dev.amble.host;

import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import java.util.List;

/**
 * What a host workflow needs to decide what to do with a host: whether it answered, what each
 * step's preconditions say on its fresh facts, and its remote state. Never the facts themselves.
 *
 * @param verdicts one per step of the request, in order (empty unless the run was OK)
 */
public record Preparation(RunResult run, List<Verdict> verdicts, RemoteState state) {}
