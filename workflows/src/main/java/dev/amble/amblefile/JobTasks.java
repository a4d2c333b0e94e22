package dev.amble.amblefile;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;

/**
 * What a job runs on a host: nothing (a precondition-only job), inline tasks, a file, playbooks.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = JobTasks.None.class, name = "none"),
  @JsonSubTypes.Type(value = JobTasks.Inline.class, name = "tasks"),
  @JsonSubTypes.Type(value = JobTasks.TasksFile.class, name = "tasks_file"),
  @JsonSubTypes.Type(value = JobTasks.Playbooks.class, name = "playbooks")
})
public sealed interface JobTasks {
  /** A job with preconditions only: nothing runs for it. */
  record None() implements JobTasks {}

  /** Ansible tasks written in the Amblefile, passed to Ansible as they are. */
  record Inline(ArrayNode tasks) implements JobTasks {}

  /** An Ansible tasks file, by absolute path. */
  record TasksFile(String path) implements JobTasks {}

  /** Whole playbooks, by absolute path, run in order with the host as the limit. */
  record Playbooks(List<String> paths) implements JobTasks {}
}
