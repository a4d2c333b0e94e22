package dev.amble.ansible;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.amble.amblefile.JobSpec;
import dev.amble.amblefile.JobTasks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * The playbooks amble runs. prepare, claim, finish, init and unlock are fixed (resources, copied
 * into the workspace's playbooks/ folder). A job's playbook is rendered from its definition into
 * the Amblefile's folder as {@code .amble-WORKSPACE.JOB.yml}, so that relative paths in its tasks
 * (import_tasks, copy src, templates, lookups) resolve exactly as in a playbook written beside the
 * Amblefile. Every file is written only when its content changes, atomically.
 */
public final class Playbooks {
  static final String[] FIXED = {
    "prepare.yml", "claim.yml", "finish.yml", "finish-tasks.yml", "init.yml", "unlock.yml"
  };

  /**
   * The task of claim.yml that refuses a host another workspace has locked: it fails when amble's
   * module amble_lock, which takes the lock atomically, found it held by another workspace.
   */
  public static final String REFUSE_LOCKED = "amble: refuse a host locked by another workspace";

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .build());

  private Playbooks() {}

  /** The fixed playbook {@code name}, installed in the workspace's playbooks/ folder. */
  public static Path fixed(WorkspaceDir dir, String name) {
    if (!Arrays.asList(FIXED).contains(name)) {
      throw new IllegalArgumentException(name);
    }
    for (String each : FIXED) {
      try (InputStream in = Playbooks.class.getResourceAsStream("playbooks/" + each)) {
        writeIfChanged(dir.playbooks().resolve(each), in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException("installing amble's playbooks in " + dir.playbooks(), e);
      }
    }
    return dir.playbooks().resolve(name);
  }

  /**
   * Whether the job's run escalates by default ({@code --become}): a {@code playbooks:} job with
   * become, whose plays (in the operator's files) cannot be given the job's become as a keyword.
   * The plays and tasks that say {@code become} themselves keep what they say.
   */
  public static boolean becomesByDefault(JobSpec job) {
    return job.become() && job.tasks() instanceof JobTasks.Playbooks;
  }

  /** The playbook of a job: a claim play (run when amble_claim), then the job itself. */
  public static Path job(Path folder, WorkspaceDir dir, String workspace, JobSpec job) {
    return job(folder, dir, workspace, job, false);
  }

  /**
   * The playbook of a job, and with {@code finish} a last play that finishes the host (the walk's
   * last run): Ansible leaves a host that failed or was unreachable out of the plays after, so it
   * runs only when the job went well.
   */
  public static Path job(
      Path folder, WorkspaceDir dir, String workspace, JobSpec job, boolean finish) {
    Path claim = fixed(dir, "claim.yml");
    ArrayNode plays = JsonNodeFactory.instance.arrayNode();
    // A playbooks job's become reaches its plays as --become (becomesByDefault); amble's own plays
    // then say they do not, as they do not without it (their tasks that must, say so).
    boolean ownPlaysSay = becomesByDefault(job);

    importIn(plays, "amble: claim the host", claim, ownPlaysSay).put("when", "amble_claim | bool");
    // A run that does not claim leaves the play out altogether ("no hosts matched"): its tasks,
    // each skipped one by one, cost a tenth of a second per run.
    ((ObjectNode) plays.get(0)).put("hosts", "{{ 'all' if amble_claim | bool else '!all' }}");

    if (job.tasks() instanceof JobTasks.Playbooks playbooks) {
      for (String p : playbooks.paths()) {
        plays.addObject().put("ansible.builtin.import_playbook", p);
      }
    } else {
      ObjectNode play = plays.addObject();
      play.put("name", job.name());
      play.put("hosts", "all");
      play.put("gather_facts", false);
      play.put("become", job.become());
      ArrayNode tasks = play.putArray("tasks");
      if (job.tasks() instanceof JobTasks.Inline inline) {
        tasks.addAll(inline.tasks());
      } else if (job.tasks() instanceof JobTasks.TasksFile file) {
        ObjectNode include = tasks.addObject();
        include.put("name", job.name());
        include.put("ansible.builtin.import_tasks", file.path());
      }
    }
    if (finish) {
      importIn(plays, "amble: finish", fixed(dir, "finish-tasks.yml"), ownPlaysSay);
    }
    String header =
        "# Rendered by amble for workspace "
            + workspace
            + ", job "
            + job.name()
            + (finish ? ", finishing the host" : "")
            + ", from the Amblefile in this folder.\n"
            + "# Do not edit: amble writes it again before each run of the job.\n";
    try {
      byte[] content = (header + YAML.writeValueAsString(plays)).getBytes(StandardCharsets.UTF_8);
      Path target =
          folder.resolve(
              ".amble-"
                  + workspace
                  + "."
                  + WorkspaceDir.fileName(job.name())
                  + (finish ? ".finish" : "")
                  + ".yml");
      writeIfChanged(target, content);
      return target;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A play of amble's own over the host, named {@code name}, importing {@code tasks}: the import.
   */
  private static ObjectNode importIn(ArrayNode plays, String name, Path tasks, boolean noBecome) {
    ObjectNode play = plays.addObject();
    play.put("name", name);
    play.put("hosts", "all");
    play.put("gather_facts", false);
    if (noBecome) {
      play.put("become", false);
    }
    ObjectNode importTasks = play.putArray("tasks").addObject();
    importTasks.put("name", name);
    importTasks.put("ansible.builtin.import_tasks", tasks.toString());
    return importTasks;
  }

  /**
   * The playbook of a health check's tasks, beside the Amblefile like a job's: one play over the
   * hosts named by {@code amble_check_hosts} (the health check's host pattern, passed as an extra
   * var).
   */
  public static Path check(
      Path folder, String workspace, String name, ArrayNode tasks, boolean become) {
    ArrayNode plays = JsonNodeFactory.instance.arrayNode();
    ObjectNode play = plays.addObject();
    play.put("name", "amble check: " + name);
    play.put("hosts", "{{ amble_check_hosts }}");
    play.put("gather_facts", false);
    play.put("become", become);
    play.putArray("tasks").addAll(tasks);
    String header =
        "# Rendered by amble for workspace "
            + workspace
            + ", check "
            + name
            + ", from the Amblefile in this folder.\n# Do not edit: amble writes it again before each run.\n";
    try {
      Path target =
          folder.resolve(".amble-" + workspace + ".check." + WorkspaceDir.fileName(name) + ".yml");
      writeIfChanged(
          target, (header + YAML.writeValueAsString(plays)).getBytes(StandardCharsets.UTF_8));
      return target;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeIfChanged(Path target, byte[] content) {
    try {
      if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
        return;
      }
      Files.createDirectories(target.getParent());
      Path temp = Files.createTempFile(target.getParent(), ".amble-", ".tmp");
      Files.write(temp, content);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target, e);
    }
  }
}
