package dev.amble.ansible;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Hosts on this machine for tests: each reached with Ansible's local connection, each with its own
 * remote state folder (so hosts share no state), written to an inventory file.
 */
public final class LocalFleet {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final List<String> hosts;

  private LocalFleet(Path dir, List<String> hosts) {
    this.dir = dir;
    this.hosts = hosts;
  }

  /** The project's Ansible, as the tests use it. */
  /** ansible-playbook's arguments to run {@code playbook} on localhost, locally. */
  public static List<String> localPlaybookArgs(Path playbook) {
    return List.of(
        "-i",
        "localhost,",
        "-c",
        "local",
        "-e",
        "ansible_python_interpreter=" + ansible().python(),
        playbook.toString());
  }

  /**
   * An ad-hoc Ansible run on localhost in {@code folder}: {@code module} (command, shell) with
   * {@code args}, its output to {@code log}.
   */
  public static AnsibleCommand adHoc(
      Path folder, String module, String args, Path log, java.time.Duration timeout) {
    return new AnsibleCommand(
        "ansible",
        List.of(
            "-i",
            "localhost,",
            "-c",
            "local",
            "localhost",
            "-e",
            "ansible_python_interpreter=" + ansible().python(),
            "-m",
            "ansible.builtin." + module,
            "-a",
            args),
        folder,
        Map.of(),
        log,
        java.util.Optional.empty(),
        timeout,
        AnsibleCommand.ExecutorUse.WHEN_READY);
  }

  public static AnsibleInstallation ansible() {
    return AnsibleInstallation.find(System.getenv());
  }

  /**
   * {@code n} hosts named {@code prefix01..}, in group {@code fleet}, vars added by {@code vars}.
   */
  public static LocalFleet create(
      Path dir, String prefix, int n, BiConsumer<String, ObjectNode> vars) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      names.add(String.format("%s%02d", prefix, i));
    }
    return create(dir, names, vars);
  }

  public static LocalFleet create(
      Path dir, List<String> names, BiConsumer<String, ObjectNode> vars) {
    try {
      ObjectNode inventory = JSON.createObjectNode();
      ObjectNode all = inventory.putObject("all");
      ObjectNode common = all.putObject("vars");
      common.put("ansible_connection", "local");
      common.put("ansible_python_interpreter", ansible().python().toString());
      common.put("ansible_become_method", "su");
      ObjectNode hostsNode = all.putObject("hosts");
      ObjectNode group = all.putObject("children").putObject("fleet").putObject("hosts");
      for (String name : names) {
        Path state = dir.resolve("hosts").resolve(WorkspaceDir.fileName(name)).resolve("state");
        Files.createDirectories(state);
        ObjectNode hv = hostsNode.putObject(name);
        hv.put("amble_state_dir", state.toString());
        vars.accept(name, hv);
        group.putObject(name);
      }
      Files.createDirectories(dir);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(dir.resolve("inventory.yml").toFile(), inventory);
      return new LocalFleet(dir, List.copyOf(names));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dir() {
    return dir;
  }

  public List<String> hosts() {
    return hosts;
  }

  public Path inventory() {
    return dir.resolve("inventory.yml");
  }

  public Path stateDir(String host) {
    return dir.resolve("hosts").resolve(WorkspaceDir.fileName(host)).resolve("state");
  }

  /** Writes a local fact file on a host ({@code facts.ansible_local.NAME}). */
  public void localFact(String host, String name, Map<String, ?> content) {
    try {
      JSON.writeValue(stateDir(host).resolve(name + ".fact").toFile(), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fills a jsonfile fact cache the way Ansible does: {@code ansible PATTERN -m setup}. */
  public void gatherFacts(Path cache, String pattern) {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  ansible().program("ansible").toString(),
                  "-i",
                  inventory().toString(),
                  pattern,
                  "-f",
                  "10",
                  "-m",
                  "ansible.builtin.setup",
                  "-a",
                  "fact_path={{ amble_state_dir }}")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("setup.log").toFile());
      pb.environment().put("ANSIBLE_CACHE_PLUGIN", "jsonfile");
      pb.environment().put("ANSIBLE_CACHE_PLUGIN_CONNECTION", cache.toString());
      int code = pb.start().waitFor();
      if (code != 0) {
        throw new IllegalStateException(
            "ansible -m setup failed (" + code + "): see " + dir.resolve("setup.log"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
