package dev.amble.cli.look;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.amble.amblefile.Amblefile;
import dev.amble.amblefile.Definition;
import dev.amble.amblefile.DurationText;
import dev.amble.amblefile.JobSpec;
import dev.amble.amblefile.JobTasks;
import dev.amble.amblefile.WorkspaceSpec;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.cli.common.CurrentWorkspace;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code amble workspace}: list, show, choose and dump the Amblefile's workspaces. */
@Command(
    header = "Lists, shows, chooses, dumps and resets workspaces.",
    name = "workspace",
    mixinStandardHelpOptions = true,
    description = "Lists, shows, chooses and dumps workspaces. Reads the Amblefile only.",
    subcommands = {
      WorkspaceCommand.ListWorkspaces.class,
      WorkspaceCommand.Show.class,
      WorkspaceCommand.Use.class,
      WorkspaceCommand.Dump.class,
      WorkspaceCommand.Reset.class
    })
public final class WorkspaceCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the workspaces; * marks the current one.")
  static final class ListWorkspaces implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      Invocation amble = Invocation.of(spec);
      Amblefile a = amble.amblefile();
      Optional<String> current = Optional.empty();
      try {
        current = Optional.of(amble.workspace(Optional.empty()));
      } catch (Exit noCurrent) {
        // several workspaces and none chosen: no marker
      }
      PrintWriter out = spec.commandLine().getOut();
      int width = a.workspaces().keySet().stream().mapToInt(String::length).max().orElse(4);
      for (WorkspaceSpec w : a.workspaces().values()) {
        String mark = current.filter(w.name()::equals).isPresent() ? "*" : " ";
        out.printf(
            "%s %-" + width + "s  %s  (workflow %s)%n",
            mark,
            w.name(),
            w.hostPattern(),
            w.workflow());
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows a workspace: hosts, settings, jobs and their preconditions.")
  static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin WorkspaceName name;

    @Override
    public void run() {
      Invocation amble = Invocation.of(spec);
      Amblefile a = amble.amblefile();
      String ws = amble.workspace(name.get());
      Definition d = a.definition(ws);
      WorkspaceSpec w = d.workspace();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("workspace %s%n", ws);
      out.printf("  hosts        %s%n", w.hostPattern());
      out.printf("  inventory    %s%n", w.inventory().orElse("(Ansible's default)"));
      out.printf(
          "  walk         %s, %d at a time%s%n",
          w.sortOrder().word(), w.concurrency(), w.requireLimit() ? ", only with --limit" : "");
      out.printf(
          "  workflow     %s%s%n",
          d.workflow().name(),
          d.workflow().alwaysRetryFailedHosts()
              ? " (hosts that started and never finished are walked again)"
              : "");
      for (String line : dev.amble.visibility.Strategies.describe(w.strategy())) {
        out.printf("  %s%n", line);
      }
      out.printf("  state        %s%n", WorkspaceDir.of(Path.of(a.folder()), ws).root());
      out.println("  jobs");
      steps(out, d.steps());
      if (!d.exitSteps().isEmpty()) {
        out.println("  exit jobs (run once any job began, also after a failure)");
        steps(out, d.exitSteps());
      }
    }

    private static void steps(PrintWriter out, List<Definition.Step> steps) {
      for (Definition.Step s : steps) {
        JobSpec j = s.job();
        out.printf(
            "    %d. %s  [%s; %s; timeout %s]%n",
            s.index() + 1,
            j.name(),
            describe(j.tasks()),
            j.become() ? "become" : "no become",
            DurationText.format(j.timeout()));
        if (!s.options().isEmpty()) {
          out.printf("       options: %s%n", s.options());
        }
        if (!j.preconditions().equals(JobSpec.ALWAYS)) {
          out.printf("       when: %s%n", j.preconditions().strip().replaceAll("\\s+", " "));
        }
      }
    }

    private static String describe(JobTasks tasks) {
      if (tasks instanceof JobTasks.Inline i) {
        return i.tasks().size() + " inline task(s)";
      } else if (tasks instanceof JobTasks.TasksFile f) {
        return "tasks file " + f.path();
      } else if (tasks instanceof JobTasks.Playbooks p) {
        return "playbooks " + String.join(", ", p.paths());
      }
      return "preconditions only";
    }
  }

  @Command(
      name = "use",
      mixinStandardHelpOptions = true,
      description =
          "Makes NAME the current workspace (kept in .amble/current-workspace beside the Amblefile).")
  static final class Use implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public void run() {
      Amblefile a = Invocation.of(spec).amblefile();
      CurrentWorkspace.store(a, CurrentWorkspace.known(a, name));
      spec.commandLine().getOut().printf("Using workspace %s.%n", name);
    }
  }

  @Command(
      name = "reset",
      mixinStandardHelpOptions = true,
      description = {
        "Clears what amble cached for a workspace on this machine: gathered facts and inventory vars"
            + " (not logs, not the hosts' remote state). Refused while the workspace's rollout runs;"
            + " when Temporal cannot be asked, --force resets anyway."
      })
  static final class Reset implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin WorkspaceName name;

    @CommandLine.Mixin TemporalOptions temporal;

    @CommandLine.Option(
        names = "--force",
        description = "Reset even when Temporal cannot be asked whether a rollout runs.")
    boolean force;

    @Override
    public void run() {
      Invocation amble = Invocation.of(spec);
      String ws = amble.workspace(name.get());
      try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
        Rollouts.find(session.client, amble.amblefile().project(), ws)
            .filter(Rollouts.Found::running)
            .ifPresent(
                r -> {
                  throw Exit.badInput(
                      "amble: refused: workspace "
                          + ws
                          + " has a rollout running ("
                          + r.workflowId()
                          + ", run "
                          + r.runId()
                          + ")");
                });
      } catch (Exit e) {
        if (e.code() != ExitCode.NO_TEMPORAL || !force) {
          throw e.code() == ExitCode.NO_TEMPORAL
              ? new Exit(
                  ExitCode.NO_TEMPORAL, e.getMessage() + "\n  (--force resets without asking)")
              : e;
        }
      }
      WorkspaceDir dir = WorkspaceDir.of(Path.of(amble.amblefile().folder()), ws);
      try {
        WorkspaceDir.deleteTree(dir.facts());
        WorkspaceDir.deleteTree(dir.root().resolve("vars"));
      } catch (java.io.IOException e) {
        throw new Exit(1, "amble: cannot clear " + dir.root() + ": " + e.getMessage());
      }
      spec.commandLine()
          .getOut()
          .printf("Cleared the cached facts and vars of workspace %s (%s).%n", ws, dir.root());
    }
  }

  @Command(
      name = "dump",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the resolved definition of a workspace as YAML: exactly what a rollout of it receives as input"
            + " (paths made absolute, options merged into each use)."
      })
  static final class Dump implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin WorkspaceName name;

    static final ObjectMapper YAML =
        new ObjectMapper(
                YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .registerModule(new Jdk8Module())
            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

    @Override
    public void run() {
      Invocation amble = Invocation.of(spec);
      String ws = amble.workspace(name.get());
      try {
        spec.commandLine().getOut().print(YAML.writeValueAsString(amble.definition(ws)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
