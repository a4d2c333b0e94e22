package dev.amble.worker;

import dev.amble.amblefile.Amblefile;
import dev.amble.amblefile.Definition;
import dev.amble.amblefile.JobSpec;
import dev.amble.amblefile.JobTasks;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.content.ContentArchive;
import dev.amble.content.ContentException;
import dev.amble.content.ContentRef;
import dev.amble.content.ContentStore;
import dev.amble.facts.FactStore;
import dev.amble.host.HostTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker's copies of rollouts' content, one folder per digest under its cache ({@code
 * ~/.cache/amble/content/HEX/} by default). A copy is fetched from Temporal the first time a worker
 * needs it, checked against its digest, and moved into place whole, so a half-written copy is never
 * used. Copies not used for {@link #EVICT_AFTER} are deleted; a deleted copy is fetched again, so
 * evicting never breaks a running rollout. Ansible runs in the copy, which is also where the worker
 * keeps the workspace's logs and rendered playbooks ({@code .amble/}).
 */
public final class ContentFolders {
  /** Copies unused this long are deleted when the worker starts. */
  public static final Duration EVICT_AFTER = Duration.ofDays(14);

  /** How often a worker that uses content tells Temporal to keep it. */
  static final Duration KEEP_EVERY = Duration.ofHours(12);

  private final Path root;
  private final Path state;
  private final Optional<ContentStore> store;
  private final Clock clock;
  private final Map<String, Instant> kept = new ConcurrentHashMap<>();

  /**
   * @param root the cache folder of content copies
   * @param state where the worker keeps each workspace's state (logs, rendered playbooks), one
   *     folder per workspace
   * @param store where content is kept; empty for a worker that only runs legacy rollouts (tests)
   */
  public ContentFolders(Path root, Path state, Optional<ContentStore> store, Clock clock) {
    this.root = root;
    this.state = state;
    this.store = store;
    this.clock = clock;
  }

  /** Folders for rollouts without content only: they run in the Amblefile's folder itself. */
  public static ContentFolders inPlace(Clock clock) {
    Path nowhere = Path.of("/nonexistent/amble-content");
    return new ContentFolders(nowhere, nowhere, Optional.empty(), clock);
  }

  /** A worker's own folder: {@code $XDG_CACHE_HOME/amble}, or {@code ~/.cache/amble}. */
  public static Path home(Map<String, String> env) {
    String cache = env.getOrDefault("XDG_CACHE_HOME", "");
    Path base =
        cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache);
    return base.resolve("amble");
  }

  /**
   * Where a rollout's Ansible runs on this worker, and how its paths read here.
   *
   * @param folder the Amblefile's folder as the CLI saw it (the definition's paths start there)
   * @param content the content the rollout was started with; empty for rollouts started before
   *     content travelled, which run in the CLI's folder as they always did
   */
  public Local local(String folder, Optional<ContentRef> content) {
    if (content.isEmpty()) {
      return new Local(Path.of(folder), folder, Optional.empty());
    }
    return new Local(copy(content.get()), folder, Optional.of(state));
  }

  /**
   * A rollout's folder on this worker.
   *
   * @param folder where Ansible runs
   * @param origin the Amblefile's folder on the CLI's machine
   * @param state where this worker keeps workspaces' state; empty: in the folder (as before content
   *     travelled)
   */
  public record Local(Path folder, String origin, Optional<Path> state) {
    /**
     * The workspace's state on this worker. Ansible's jsonfile fact cache is the CLI's, in the
     * Amblefile's folder, when this worker is on the CLI's machine (jsonfile is a one-machine
     * store); elsewhere the worker keeps its own (name a Redis to share facts between machines).
     */
    public WorkspaceDir dir(String project, String workspace, FactStore store) {
      return dir(project, workspace).withStore(store);
    }

    private WorkspaceDir dir(String project, String workspace) {
      if (state.isEmpty()) {
        return WorkspaceDir.of(folder, workspace);
      }
      WorkspaceDir mine = WorkspaceDir.at(state.get().resolve(folderName(project, workspace)));
      Path cli = Path.of(origin);
      return Files.isDirectory(cli)
          ? mine.withFacts(WorkspaceDir.of(cli, workspace).facts())
          : mine;
    }

    /** A path of the definition as it reads on this worker: inside the folder, or as it was. */
    public String path(String path) {
      if (path.equals(origin)) {
        return folder.toString();
      }
      String prefix = origin.endsWith("/") ? origin : origin + "/";
      return path.startsWith(prefix)
          ? folder.resolve(path.substring(prefix.length())).toString()
          : path;
    }

    public Optional<String> path(Optional<String> path) {
      return path.map(this::path);
    }

    /** A host of the rollout, as it is reached from this worker. */
    public HostTarget target(HostTarget t) {
      return new HostTarget(
          t.workspace(),
          folder.toString(),
          path(t.inventory()),
          t.host(),
          t.content(),
          t.facts(),
          t.project());
    }

    /** A job, with the paths of its tasks file or playbooks as they read on this worker. */
    public JobSpec job(JobSpec job) {
      JobTasks tasks = job.tasks();
      if (tasks instanceof JobTasks.TasksFile f) {
        tasks = new JobTasks.TasksFile(path(f.path()));
      } else if (tasks instanceof JobTasks.Playbooks p) {
        tasks = new JobTasks.Playbooks(p.paths().stream().map(this::path).toList());
      }
      return new JobSpec(
          job.name(),
          tasks,
          job.become(),
          job.requiredOptions(),
          job.options(),
          job.preconditions(),
          job.timeout());
    }

    /** A whole definition, with every path as it reads on this worker. */
    public Definition definition(Definition d) {
      Map<String, JobSpec> jobs = new TreeMap<>();
      d.jobs().forEach((name, job) -> jobs.put(name, job(job)));
      return new Definition(
          path(d.amblefile()),
          folder.toString(),
          d.project(),
          d.workspace().withInventory(path(d.workspace().inventory())),
          d.workflow(),
          jobs,
          d.content());
    }
  }

  /**
   * The name of a project's workspace's folder in a worker's {@code workspaces/}: the workspace's
   * name for project default (where workers kept every workspace before projects, so their logs
   * stay where they were), {@code PROJECT@WORKSPACE} for any other project. Neither name may hold
   * an {@code @}, so no two projects' workspaces share a folder, and the folders stay one level
   * deep (log pruning lists them).
   */
  public static String folderName(String project, String workspace) {
    return project.equals(Amblefile.DEFAULT_PROJECT)
        ? WorkspaceDir.fileName(workspace)
        : WorkspaceDir.fileName(project) + "@" + WorkspaceDir.fileName(workspace);
  }

  /** The copy of {@code ref}, fetched first if this worker has none. */
  public Path copy(ContentRef ref) {
    // The digest names the copy's folder: nothing but sha256:HEX may.
    if (!ref.digest().matches("sha256:[0-9a-f]{64}")) {
      throw new ContentException("content " + ref.shortText() + " has no digest sha256:HEX");
    }
    Path target = root.resolve(ref.hex());
    if (!Files.isDirectory(target)) {
      fetch(ref, target);
    }
    used(ref, target);
    return target;
  }

  private void fetch(ContentRef ref, Path target) {
    ContentStore from =
        store.orElseThrow(() -> new ContentException("this worker cannot fetch content"));
    byte[] bytes = from.get(ref);
    try {
      Files.createDirectories(root);
      Path temp = Files.createTempDirectory(root, ".fetch-" + ref.hex().substring(0, 12) + "-");
      try {
        Path unpacked = temp.resolve("content");
        ContentArchive.unpack(bytes, ref.digest(), unpacked);
        try {
          Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException other) {
          // another activity of this worker fetched it first: the same bytes
        }
      } finally {
        WorkspaceDir.deleteTree(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("keeping content " + ref.shortText() + " in " + root, e);
    }
  }

  private void used(ContentRef ref, Path target) {
    Instant now = clock.instant();
    try {
      Files.setLastModifiedTime(target, FileTime.from(now));
    } catch (IOException e) {
      // only eviction reads it
    }
    Instant last = kept.get(ref.digest());
    if (store.isPresent() && (last == null || last.plus(KEEP_EVERY).isBefore(now))) {
      kept.put(ref.digest(), now);
      store.get().keep(ref, now);
    }
  }

  /**
   * Deletes copies not used for {@link #EVICT_AFTER}, and leftovers of fetches; returns how many.
   */
  public int evict() {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    Instant before = clock.instant().minus(EVICT_AFTER);
    int evicted = 0;
    try (DirectoryStream<Path> copies = Files.newDirectoryStream(root)) {
      for (Path copy : copies) {
        if (Files.getLastModifiedTime(copy).toInstant().isBefore(before)) {
          WorkspaceDir.deleteTree(copy);
          evicted++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("evicting content copies in " + root, e);
    }
    return evicted;
  }
}
