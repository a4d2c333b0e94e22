package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.precondition.Precondition;
import java.time.Duration;
import java.util.List;

/**
 * A unit of work on one host: Ansible tasks, plus the preconditions under which a host needs it.
 *
 * @param options defaults for the options, overridden by each use of the job
 * @param preconditions a CEL expression over {@code facts}, {@code vars} and {@code options}
 * @param timeout how long one run of the job on one host may take
 */
public record JobSpec(
    String name,
    JobTasks tasks,
    boolean become,
    List<String> requiredOptions,
    ObjectNode options,
    String preconditions,
    Duration timeout) {

  public static final String ALWAYS = Precondition.ALWAYS;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
}
