package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.Position;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import dev.amble.precondition.Precondition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the Amblefile's {@code workflows:} into {@link WorkflowSpec}s, and keeps where each use of
 * a job was written until the jobs are read and the uses can be matched to them.
 */
final class WorkflowReader {
  private final Problems problems;

  /** A use of a job, with where it was written, kept until it is matched to its job. */
  private record UseAt(JobUse use, String path, Position position, Position jobPosition) {}

  private final Map<String, List<UseAt>> usesByWorkflow = new LinkedHashMap<>();

  WorkflowReader(Problems problems) {
    this.problems = problems;
  }

  Optional<WorkflowSpec> read(String name, Fields f) {
    List<UseAt> uses = new ArrayList<>();
    usesByWorkflow.put(name, uses);
    List<JobUse> jobs = uses(f, "jobs", uses);
    if (!f.has("jobs")) {
      f.missing("jobs");
    } else if (f.node("jobs").get() instanceof YamlList list && list.items().isEmpty()) {
      f.problem("jobs", "must list at least one job");
    }
    List<JobUse> exitJobs = uses(f, "exit_jobs", uses);
    boolean retry = f.bool("always_retry_failed_hosts", true);
    return Optional.of(new WorkflowSpec(name, jobs, exitJobs, retry));
  }

  private List<JobUse> uses(Fields f, String key, List<UseAt> into) {
    List<JobUse> read = new ArrayList<>();
    Optional<YamlList> list = f.list(key);
    if (list.isEmpty()) {
      return read;
    }
    for (int i = 0; i < list.get().items().size(); i++) {
      YamlNode item = list.get().items().get(i);
      String path = KeyPath.item(f.path(key), i);
      Optional<Fields> use = Fields.open(item, path, problems, AmblefileReader.USE_KEYS);
      if (use.isEmpty()) {
        continue;
      }
      Optional<String> job = use.get().string("job", true);
      ObjectNode options =
          use.get()
              .submap("options")
              .map(YamlMap::toJson)
              .orElseGet(JsonNodeFactory.instance::objectNode);
      if (job.isPresent()) {
        JobUse jobUse = new JobUse(job.get(), options);
        read.add(jobUse);
        into.add(new UseAt(jobUse, path, item.position(), use.get().at("job")));
      }
    }
    return read;
  }

  /** Every use names a job, gives its required options and the options its preconditions read. */
  void matchUses(Fields top, Map<String, JobSpec> jobs, JobReader jobReader) {
    for (List<UseAt> uses : usesByWorkflow.values()) {
      for (UseAt at : uses) {
        JobSpec job = jobs.get(at.use().job());
        if (job == null) {
          if (!References.definedIn(top, "jobs", at.use().job())) {
            problems.add(
                at.jobPosition(),
                at.path() + ".job",
                References.noSuch("job", "jobs", at.use().job(), jobs.keySet()));
          }
          continue;
        }
        Set<String> given = new TreeSet<>();
        job.options().fieldNames().forEachRemaining(given::add);
        at.use().options().fieldNames().forEachRemaining(given::add);
        for (String required : job.requiredOptions()) {
          if (!given.contains(required)) {
            problems.add(
                at.position(),
                at.path(),
                "job \"" + job.name() + "\" requires option \"" + required + "\"");
          }
        }
        Optional<Precondition> p = jobReader.preconditions(job.name());
        for (String read : p.map(Precondition::optionNames).orElse(Set.of())) {
          if (!given.contains(read) && !job.requiredOptions().contains(read)) {
            problems.add(
                at.position(),
                at.path(),
                "job \""
                    + job.name()
                    + "\" preconditions read options."
                    + read
                    + ", which this use does not give"
                    + DidYouMean.hint(read, given));
          }
        }
      }
    }
  }
}
