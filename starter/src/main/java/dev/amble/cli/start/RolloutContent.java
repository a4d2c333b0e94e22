package dev.amble.cli.start;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.JobSpec;
import dev.amble.amblefile.JobTasks;
import dev.amble.cli.common.Exit;
import dev.amble.content.ContentArchive;
import dev.amble.content.ContentException;
import dev.amble.content.ContentRef;
import dev.amble.content.ContentStore;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Ansible content a rollout takes with it: the Amblefile's folder, packed before anything
 * starts (what cannot travel is refused, exit 2), then kept in Temporal for the workers.
 */
public final class RolloutContent {
  private final Definition definition;
  private final ContentArchive.Packed packed;
  private final Optional<String> commit;
  private final List<String> notes;

  private RolloutContent(
      Definition definition,
      ContentArchive.Packed packed,
      Optional<String> commit,
      List<String> notes) {
    this.definition = definition;
    this.packed = packed;
    this.commit = commit;
    this.notes = List.copyOf(notes);
  }

  /** What the operator should know about the content: said once the rollout started. */
  public void printNotes(PrintWriter err) {
    notes.forEach(n -> err.printf("amble: %s.%n", n));
    err.flush();
  }

  /** Packs the definition's folder; refuses files a job names outside of it. */
  public static RolloutContent pack(Definition d) {
    Path folder = Path.of(d.folder());
    List<String> outside = new ArrayList<>();
    for (JobSpec job : d.jobs().values()) {
      for (String path : paths(job.tasks())) {
        if (!Path.of(path).normalize().startsWith(folder)) {
          outside.add("job " + job.name() + ": " + path);
        }
      }
    }
    if (!outside.isEmpty()) {
      throw Exit.badInput(
          "amble: files outside the Amblefile's folder "
              + folder
              + " would not reach the workers (only the folder travels with a rollout); move them"
              + " into it:\n  "
              + String.join("\n  ", outside));
    }
    List<String> notes = new ArrayList<>();
    d.workspace()
        .inventory()
        .filter(i -> i.startsWith("/") && !Path.of(i).normalize().startsWith(folder))
        .ifPresent(
            i ->
                notes.add(
                    "the inventory "
                        + i
                        + " is outside the Amblefile's folder: workers read it at that path on"
                        + " their own machine"));
    ContentArchive.Packed packed;
    try {
      packed = ContentArchive.pack(folder);
    } catch (ContentException e) {
      throw Exit.badInput("amble: " + e.getMessage());
    }
    for (String left : packed.left()) {
      notes.add("content: " + left);
    }
    ignored(packed.ignored()).ifPresent(notes::add);
    return new RolloutContent(d, packed, ContentArchive.gitCommit(folder), notes);
  }

  /** One line for what git ignores or .ambleignore names: how many, and the first few. */
  static Optional<String> ignored(List<String> paths) {
    if (paths.isEmpty()) {
      return Optional.empty();
    }
    int shown = Math.min(5, paths.size());
    return Optional.of(
        "content: left out "
            + paths.size()
            + (paths.size() == 1 ? " path" : " paths")
            + " that git ignores or .ambleignore names: "
            + String.join(", ", paths.subList(0, shown))
            + (paths.size() > shown ? ", and " + (paths.size() - shown) + " more" : ""));
  }

  private static List<String> paths(JobTasks tasks) {
    if (tasks instanceof JobTasks.TasksFile f) {
      return List.of(f.path());
    }
    if (tasks instanceof JobTasks.Playbooks p) {
      return p.paths();
    }
    return List.of();
  }

  /** Keeps the content in Temporal; the definition to start the rollout with. */
  public Definition keep(WorkflowClient client, String taskQueue, PrintWriter out) {
    ContentRef ref = new ContentStore(client, taskQueue).put(packed, commit, Instant.now());
    out.printf(
        "Content %s: %d files, %s, kept in Temporal until %s days after its last use.%n",
        ref.shortText(), ref.files(), size(ref.bytes()), ContentStore.KEEP.toDays());
    out.flush();
    return definition.withContent(ref);
  }

  static String size(long bytes) {
    return bytes < 1024
        ? bytes + " B"
        : bytes < 1 << 20 ? (bytes >> 10) + " KiB" : (bytes >> 20) + " MiB";
  }
}
