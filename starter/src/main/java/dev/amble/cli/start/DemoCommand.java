package dev.amble.cli.start;

import dev.amble.ansible.FactGathering;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.plan.Plan;
import dev.amble.rollout.InitRequest;
import dev.amble.rollout.InitResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amble demo}: the example rollout under examples/demo, on the embedded server. */
@Command(
    header = "Runs the demo: 12 local hosts on the embedded server.",
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the demo under examples/demo: twelve hosts on this machine (Ansible's local connection, each"
          + " with its own state folder) walked through a three-job OS upgrade with an exit job, on the"
          + " embedded Temporal server: a canary host first, then waves of four. Three hosts are skipped by their preconditions. Resets the"
          + " demo hosts first (--keep to run again on what the last run left: then every host is"
          + " skipped, since each is upgraded already).",
      ""
    })
public final class DemoCommand implements Callable<Integer> {
  static final Set<String> ALREADY_UPGRADED = Set.of("demo-03", "demo-06");
  static final int HOSTS = 12;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--keep", description = "Do not reset the demo hosts.")
  boolean keep;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Hosts walked at once. Default: the demo workspace's (4).")
  Integer concurrency;

  @Option(
      names = "--embedded-port",
      paramLabel = "PORT",
      description = RunOptions.EMBEDDED_PORT_HELP)
  Integer embeddedPort;

  @Override
  public Integer call() throws InterruptedException {
    Invocation amble = Invocation.of(spec);
    Path folder = demoFolder();
    amble.useAmblefile(folder.resolve("Amblefile.yml").toString());
    PrintWriter out = spec.commandLine().getOut();
    var definition = amble.definition("demo");
    ProcessRunner runner = new ProcessRunner(amble.ansible(), Optional.empty(), amble.env());
    if (!keep) {
      reset(folder);
    }
    out.println("1. amble init: gathering facts from the demo hosts ...");
    out.flush();
    InitResult init =
        new FactGathering(runner)
            .gather(
                new InitRequest(definition.workspace(), definition.folder(), Optional.empty(), 10));
    out.printf("   facts gathered for %d of %d hosts%n%n", init.gathered(), init.hosts());
    out.println("2. amble plan: what a run would do, from the cached facts:");
    Plan plan = new WorkspacePlanner(new Inventory(runner)).plan(definition, Optional.empty(), 0);
    PlanPrinter.text(plan, out);
    out.println();
    out.println("3. amble run --embedded: the rolling run");
    out.flush();
    RunOptions options = new RunOptions();
    options.embedded = true;
    options.settings.concurrency = concurrency == null ? null : concurrency.toString();
    options.embeddedPort = embeddedPort;
    int code =
        RolloutLauncher.launch(
            amble,
            "demo",
            options,
            new TemporalOptions(),
            false,
            Optional.empty(),
            Optional.empty(),
            out,
            spec.commandLine().getErr());
    out.printf(
        "%nEach host's remote state is in %s/hosts/HOST/state/amble_state.fact; logs of every Ansible run"
            + " are under %s.%nNext: read examples/demo/Amblefile.yml, then the README for a durable server"
            + " (`amble server`) and workers.%n",
        folder, WorkspaceDir.of(folder, "demo").logs());
    return code;
  }

  static Path demoFolder() {
    Path home = Path.of(System.getProperty("amble.home", "."));
    Path folder = home.resolve("examples").resolve("demo").toAbsolutePath().normalize();
    if (!Files.isRegularFile(folder.resolve("Amblefile.yml"))) {
      throw Exit.badInput(
          "amble: the demo is not at " + folder + " (run ./amble demo from amble's source folder)");
    }
    return folder;
  }

  /** Every demo host back at release 11 (two at 12), in service, with no amble state. */
  static void reset(Path folder) {
    try {
      WorkspaceDir.deleteTree(folder.resolve("hosts"));
      WorkspaceDir.deleteTree(folder.resolve(".amble").resolve("demo"));
      for (int i = 1; i <= HOSTS; i++) {
        String host = String.format("demo-%02d", i);
        Path state = folder.resolve("hosts").resolve(host).resolve("state");
        Files.createDirectories(state);
        Files.writeString(
            state.resolve("demo_os.fact"),
            "{\"release\": " + (ALREADY_UPGRADED.contains(host) ? 12 : 11) + "}\n");
        Files.writeString(state.resolve("in-service"), "yes\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("resetting the demo hosts under " + folder, e);
    }
  }
}
