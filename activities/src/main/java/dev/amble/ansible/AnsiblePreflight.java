package dev.amble.ansible;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a worker checks before it polls: that Ansible runs here as amble will run it. {@code
 * --version} (see {@link AnsibleInstallation#verified()}) proves the programs start; this runs them
 * once for real, through {@link ProcessRunner} with the worker's own environment (its {@code
 * ANSIBLE_*} variables, its ansible.cfg): {@code ansible-inventory} on a one-host inventory, then a
 * playbook on that host (local connection) that takes an amble_lock in a scratch folder with
 * amble's callback plugin enabled. A worker that cannot do this would fail every host it takes;
 * refusing to start says why once, with the fix. About two seconds.
 */
public final class AnsiblePreflight {
  static final String HOST = "amble-preflight";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private static final String INVENTORY =
      "all:\n"
          + "  hosts:\n"
          + "    "
          + HOST
          + ":\n"
          + "      ansible_connection: local\n"
          + "      ansible_python_interpreter: \"{{ ansible_playbook_python }}\"\n";

  private static final String PLAYBOOK =
      "- name: amble preflight\n"
          + "  hosts: "
          + HOST
          + "\n"
          + "  gather_facts: false\n"
          + "  tasks:\n"
          + "    - name: amble preflight take a lock\n"
          + "      amble_lock:\n"
          + "        state_dir: \"{{ preflight_dir }}\"\n"
          + "        workspace: preflight\n";

  private AnsiblePreflight() {}

  /**
   * What stops Ansible from running here as a worker runs it, with the fix; empty when nothing. A
   * failed check leaves its scratch folder (under java.io.tmpdir), whose logs the message names.
   */
  public static Optional<String> problem(AnsibleInstallation ansible, Map<String, String> env) {
    return problem(ansible, env, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * As {@link #problem(AnsibleInstallation, Map)}, with the scratch folder made in {@code base}.
   */
  static Optional<String> problem(AnsibleInstallation ansible, Map<String, String> env, Path base) {
    Path dir;
    try {
      dir = Files.createTempDirectory(base, "amble-preflight-");
    } catch (IOException e) {
      return Optional.of("cannot create a scratch folder for the Ansible check: " + e.getMessage());
    }
    Optional<String> problem = check(ansible, env, dir);
    if (problem.isEmpty()) {
      delete(dir); // else its logs stay, for the message names them
    }
    return problem;
  }

  private static Optional<String> check(
      AnsibleInstallation ansible, Map<String, String> env, Path dir) {
    ProcessRunner runner = new ProcessRunner(ansible, Optional.empty(), env);
    try {
      Path inventory = Files.writeString(dir.resolve("inventory.yml"), INVENTORY);
      Path playbook = Files.writeString(dir.resolve("preflight.yml"), PLAYBOOK);
      Path state = Files.createDirectory(dir.resolve("state"));
      Path events = dir.resolve("events.jsonl");

      Path inventoryLog = dir.resolve("ansible-inventory.log");
      ProcessOutcome listed =
          runner.run(
              command(
                  "ansible-inventory",
                  List.of("-i", inventory.toString(), "--list"),
                  dir,
                  Map.of("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True"),
                  inventoryLog,
                  Optional.empty()),
              ProcessRunner.Progress.NONE);
      String listing = Files.readString(inventoryLog, StandardCharsets.UTF_8);
      if (listed.exitCode() != 0 || !listing.contains(HOST)) {
        return Optional.of(
            "ansible-inventory cannot read a one-host YAML inventory"
                + outcome(listed)
                + ": "
                + error(inventoryLog)
                + ". Check the ANSIBLE_* variables (ANSIBLE_INVENTORY_ENABLED, ANSIBLE_CONFIG) and"
                + " the ansible.cfg this worker reads (~/.ansible.cfg, /etc/ansible/ansible.cfg).");
      }

      Path playbookLog = dir.resolve("ansible-playbook.log");
      Map<String, String> settings = AnsibleEnvironment.amblePlugins(ansible);
      settings.put("ANSIBLE_RETRY_FILES_ENABLED", "False");
      settings.put("ANSIBLE_NOCOLOR", "1");
      settings.put("AMBLE_EVENTS_FILE", events.toString());
      ProcessOutcome played =
          runner.run(
              command(
                  "ansible-playbook",
                  List.of(
                      "-i",
                      inventory.toString(),
                      "-e",
                      "preflight_dir=" + state,
                      playbook.toString()),
                  dir,
                  settings,
                  playbookLog,
                  Optional.of(events)),
              ProcessRunner.Progress.NONE);
      if (played.exitCode() != 0) {
        return Optional.of(
            "ansible-playbook cannot run a playbook with amble's module amble_lock and callback"
                + " plugin amble_events on this machine"
                + outcome(played)
                + ": "
                + error(playbookLog)
                + ". Check the ANSIBLE_* variables and the ansible.cfg this worker reads. "
                + AnsibleInstallation.fix());
      }
      List<AnsibleEvents.Event> seen = AnsibleEvents.read(events);
      boolean locked =
          seen.stream()
              .anyMatch(e -> e.event().equals("changed") && "amble_lock".equals(e.action()));
      boolean recap = seen.stream().anyMatch(e -> e.event().equals("stats"));
      if (!locked || !recap) {
        return Optional.of(
            "Ansible did not load amble's callback plugin amble_events (no events from it): "
                + LogTail.lastLines(playbookLog, 3)
                + ". Check ANSIBLE_CALLBACKS_ENABLED and ANSIBLE_CALLBACK_PLUGINS in this worker's"
                + " environment and ansible.cfg. "
                + AnsibleInstallation.fix());
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("the Ansible check could not write its files: " + e.getMessage());
    } catch (AnsibleException e) {
      return Optional.of(e.getMessage() + ". " + AnsibleInstallation.fix());
    }
  }

  /**
   * Ansible's warnings and first error in a log (up to three lines), else the log's last lines;
   * with the log's path.
   */
  private static String error(Path log) {
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      List<String> said =
          lines.filter(l -> l.startsWith("[WARNING]") || l.startsWith("[ERROR]")).toList();
      int error =
          said.indexOf(said.stream().filter(l -> l.startsWith("[ERROR]")).findFirst().orElse(""));
      if (error < 0) {
        return LogTail.lastLines(log, 3);
      }
      return String.join(" | ", said.subList(Math.max(0, error - 2), error + 1))
          + " (log: "
          + log
          + ")";
    } catch (IOException | UncheckedIOException e) {
      return LogTail.lastLines(log, 3);
    }
  }

  private static String outcome(ProcessOutcome outcome) {
    return outcome.timedOut()
        ? " (no answer within " + TIMEOUT.toSeconds() + "s)"
        : " (exit " + outcome.exitCode() + ")";
  }

  private static AnsibleCommand command(
      String program,
      List<String> args,
      Path dir,
      Map<String, String> env,
      Path log,
      Optional<Path> events) {
    return new AnsibleCommand(
        program, args, dir, env, log, events, TIMEOUT, AnsibleCommand.ExecutorUse.WHEN_READY);
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(AnsiblePreflight::deleteOne);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteOne(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
