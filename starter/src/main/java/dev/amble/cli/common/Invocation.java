package dev.amble.cli.common;

import dev.amble.amblefile.Amblefile;
import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.AnsibleInstallation;
import dev.amble.ansible.AnsibleNotFoundException;
import dev.amble.facts.FactStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * What every command of one {@code amble} invocation shares: its environment, its folder, and the
 * Amblefile {@code -f} names (loaded once). The root command holds it; a command reaches it with
 * {@link #of}.
 */
public final class Invocation {
  /** The root command of the command line, which holds the invocation. */
  public interface Root {
    Invocation invocation();
  }

  /** The variable that names the fact store of workspaces whose Amblefile entry names none. */
  static final String FACT_STORE_VARIABLE = "AMBLE_FACT_STORE";

  private final Map<String, String> env;
  private final Path cwd;
  private Supplier<Optional<String>> file;
  private final Supplier<PrintWriter> err;
  private Amblefile loaded;
  private final Set<String> ansibleAnswered = ConcurrentHashMap.newKeySet();

  /**
   * @param file the {@code -f} option, read when the Amblefile is first needed
   * @param err where the Amblefile's warnings go
   */
  public Invocation(
      Map<String, String> env,
      Path cwd,
      Supplier<Optional<String>> file,
      Supplier<PrintWriter> err) {
    this.env = env;
    this.cwd = cwd;
    this.file = file;
    this.err = err;
  }

  /** Makes {@code file} the Amblefile, whatever {@code -f} named (the demo runs its own). */
  public void useAmblefile(String file) {
    this.file = () -> Optional.of(file);
  }

  /** The invocation of the command line {@code spec} belongs to. */
  public static Invocation of(CommandLine.Model.CommandSpec spec) {
    return ((Root) spec.root().userObject()).invocation();
  }

  /**
   * The folder the command runs in: relative settings (key files, the local server's) start here.
   */
  public Path cwd() {
    return cwd;
  }

  public Map<String, String> env() {
    return env;
  }

  /** The Amblefile, loaded and validated once; any problem ends the command with exit code 2. */
  public Amblefile amblefile() {
    if (loaded == null) {
      AmblefileLocation location = AmblefileLocation.find(file.get(), env, cwd);
      location.requireExists();
      try {
        loaded = AmblefileLoader.load(location.path(), location.shownAs());
        PrintWriter warnings = err.get();
        loaded.warnings().forEach(warnings::println);
        warnings.flush();
      } catch (AmblefileException e) {
        throw Exit.badInput(e.report().stripTrailing());
      }
    }
    return loaded;
  }

  /**
   * The workspace's definition as this command runs it: a workspace that names no fact store gets
   * {@value #FACT_STORE_VARIABLE}'s, when set (the rollout carries it to the workers).
   */
  public Definition definition(String workspace) {
    return withDefaultFacts(amblefile().definition(workspace), env);
  }

  /** {@code d}, with {@value #FACT_STORE_VARIABLE}'s fact store when its workspace names none. */
  public static Definition withDefaultFacts(Definition d, Map<String, String> env) {
    String store = env.getOrDefault(FACT_STORE_VARIABLE, "");
    if (store.isBlank() || d.workspace().facts().isPresent()) {
      return d;
    }
    try {
      return new Definition(
          d.amblefile(),
          d.folder(),
          d.project(),
          d.workspace().withDefaultFacts(FactStore.parse(store)),
          d.workflow(),
          d.jobs(),
          d.content());
    } catch (IllegalArgumentException e) {
      throw Exit.badInput("amble: " + FACT_STORE_VARIABLE + ": " + e.getMessage());
    }
  }

  /** The workspace a command acts on; see {@link CurrentWorkspace}. */
  public String workspace(Optional<String> option) {
    return CurrentWorkspace.resolve(amblefile(), option, env);
  }

  /**
   * Ansible on this machine, checked to run ({@code --version}); else the command ends before it
   * starts anything, with what to do (exit code 2).
   */
  public AnsibleInstallation ansible() {
    try {
      return AnsibleInstallation.find(env).verified(Set.copyOf(ansibleAnswered));
    } catch (AnsibleNotFoundException e) {
      throw new Exit(ExitCode.BAD_INPUT, "amble: " + e.getMessage());
    }
  }

  /**
   * Records that this command ran Ansible's {@code program} here to an answer: {@link #ansible()}
   * then does not ask it for its version.
   */
  public void ansibleAnswered(String program) {
    ansibleAnswered.add(program);
  }

  /**
   * {@link #ansible()}, begun now on a thread of its own so that the command goes on meanwhile
   * (Ansible answers {@code --version} in about as long as the Amblefile takes to load); {@code
   * get()} waits for the answer, and ends the command as {@link #ansible()} would.
   */
  public Supplier<AnsibleInstallation> ansibleAhead() {
    FutureTask<AnsibleInstallation> check = new FutureTask<>(this::ansible);
    Thread thread = new Thread(check, "amble-ansible-check");
    thread.setDaemon(true);
    thread.start();
    return () -> {
      try {
        return check.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Exit(ExitCode.INTERRUPTED, "");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    };
  }
}
