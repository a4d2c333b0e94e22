package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * amble's action plugin for amble_lock (action_plugins/amble_lock.py), through the real
 * ansible-playbook on this machine with amble's plugin settings: the host runs the module's own
 * file with the task's arguments in it, not Ansible's module wrapper, with pipelining and without;
 * a value cannot turn into code; the arguments are checked as Ansible checks a module's.
 */
class AmbleLockPluginTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  /** A workspace name that ends a Python string of any quoting and then runs code. */
  String hostile(Path sentinel) {
    return "w\"\"\"'''\\\"\nimport os; os.system('touch "
        + sentinel
        + "')\n#\"; PLAIN_ARGUMENTS = None";
  }

  @Test
  void theHostRunsTheModulesOwnFileWithoutAnsiblesWrapper() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Path remoteTmp = dir.resolve("remote-tmp");
    Result run =
        play(
            List.of(claim(state, "prod", "r1")),
            Map.of(
                "ANSIBLE_PIPELINING", "False",
                "ANSIBLE_KEEP_REMOTE_FILES", "True",
                "ANSIBLE_REMOTE_TMP", remoteTmp.toString()));
    assertEquals(0, run.code(), run.output());
    assertEquals(
        "prod",
        JSON.readTree(state.resolve("amble_lock.fact").toFile()).path("workspace").asText());

    List<Path> sent;
    try (Stream<Path> files = Files.walk(remoteTmp)) {
      sent =
          files.filter(f -> f.getFileName().toString().startsWith("AnsiballZ_amble_lock")).toList();
    }
    assertEquals(1, sent.size(), "the files Ansible sent: " + sent);
    String source = Files.readString(sent.get(0));
    assertTrue(source.contains("\nPLAIN_ARGUMENTS = \""), "not the module with its arguments");
    assertFalse(source.contains("ZIPDATA"), "Ansible's module wrapper was sent");
  }

  @Test
  void aValueIsDataWhateverItHolds() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Path sentinel = dir.resolve("ran-" + ProcessHandle.current().pid());
    String workspace = hostile(sentinel);
    for (String pipelining : List.of("True", "False")) {
      Files.deleteIfExists(state.resolve("amble_lock.fact"));
      Result run =
          play(List.of(claim(state, workspace, "r1")), Map.of("ANSIBLE_PIPELINING", pipelining));
      assertEquals(0, run.code(), run.output());
      assertFalse(Files.exists(sentinel), "a workspace name ran as code, pipelining " + pipelining);
      JsonNode lock = JSON.readTree(state.resolve("amble_lock.fact").toFile());
      assertEquals(workspace, lock.path("workspace").asText(), "pipelining " + pipelining);
    }
  }

  /**
   * Sent on stdin, the module would import from the folder Python starts in (the connecting user's
   * home over SSH, here the run's working folder): a json.py planted there must not run.
   */
  @Test
  void aModuleInTheCurrentFolderIsNotImported() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Path sentinel = dir.resolve("planted-" + ProcessHandle.current().pid());
    for (String name : List.of("json.py", "fcntl.py", "base64.py")) {
      Files.writeString(
          dir.resolve(name),
          "import os\nopen(" + JSON.writeValueAsString(sentinel.toString()) + ", 'w').close()\n");
    }
    Result run = play(List.of(claim(state, "prod", "r1")), Map.of("ANSIBLE_PIPELINING", "True"));
    assertEquals(0, run.code(), run.output());
    assertFalse(Files.exists(sentinel), "a module planted in the current folder ran");
    assertEquals(
        "prod",
        JSON.readTree(state.resolve("amble_lock.fact").toFile()).path("workspace").asText());
  }

  @Test
  void argumentsAreCheckedAsAnsibleChecksAModules() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    ObjectNode unknown = claim(state, "prod", "r1");
    ((ObjectNode) unknown.get("amble_lock")).put("bogus", 1);
    ObjectNode notABool = claim(state, "prod", "r1");
    ((ObjectNode) notABool.get("amble_lock")).put("stomp", "maybe");
    ObjectNode notAChoice = claim(state, "prod", "r1");
    ((ObjectNode) notAChoice.get("amble_lock")).put("state", "sideways");
    ObjectNode missing = claim(state, "prod", "r1");
    ((ObjectNode) missing.get("amble_lock")).remove("state_dir");
    ObjectNode nullState = claim(state, "prod", "r1");
    ((ObjectNode) nullState.get("amble_lock")).putNull("state");
    List<ObjectNode> tasks = new ArrayList<>();
    for (ObjectNode task : List.of(unknown, notABool, notAChoice, missing, nullState)) {
      tasks.add(task.put("ignore_errors", true));
    }
    Result run = play(tasks, Map.of());
    assertEquals(0, run.code(), run.output());
    for (String expected :
        List.of(
            "Unsupported parameters for (amble_lock) module: bogus",
            "argument 'stomp' is of type str and we were unable to convert to bool",
            "value of state must be one of: present, absent, got: sideways",
            "missing required arguments: state_dir",
            "value of state must be one of: present, absent, got: ")) {
      assertTrue(run.output().contains(expected), expected + " in\n" + run.output());
    }
    assertTrue(run.output().contains("ignored=5"), run.output());
    assertFalse(Files.exists(state.resolve("amble_lock.fact")), "a refused task took the lock");
  }

  @Test
  void checkModeWritesNothing() throws Exception {
    Path state = Files.createDirectories(dir.resolve("state"));
    Result run = play(List.of(claim(state, "prod", "r1")), Map.of(), "--check");
    assertEquals(0, run.code(), run.output());
    assertTrue(run.output().contains("changed=1"), run.output());
    assertFalse(Files.exists(state.resolve("amble_lock.fact")));
    assertFalse(Files.exists(state.resolve("amble_state.fact")));
  }

  static ObjectNode claim(Path state, String workspace, String rollout) {
    ObjectNode task = JSON.createObjectNode();
    task.putObject("amble_lock")
        .put("state_dir", state.toString())
        .put("workspace", workspace)
        .put("rollout", rollout)
        .put("since", "2026-12-07T00:00:00Z")
        .put("mark", "started")
        .put("workflow", "claim");
    return task;
  }

  record Result(int code, String output) {}

  /** One play of {@code tasks} on localhost, with amble's plugin settings and {@code env}. */
  Result play(List<ObjectNode> tasks, Map<String, String> env, String... options)
      throws IOException, InterruptedException {
    ArrayNode plays = JSON.createArrayNode();
    ObjectNode play = plays.addObject().put("hosts", "all").put("gather_facts", false);
    play.putArray("tasks").addAll(tasks);
    Path playbook = Files.createTempFile(dir, "play", ".yml");
    YAML.writeValue(playbook.toFile(), plays);
    AnsibleInstallation ansible = LocalFleet.ansible();
    List<String> command = new ArrayList<>();
    command.add(ansible.program("ansible-playbook").toString());
    command.addAll(List.of(options));
    command.addAll(LocalFleet.localPlaybookArgs(playbook));
    Path out = Files.createTempFile(dir, "play", ".out");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().putAll(AnsibleEnvironment.amblePlugins(ansible));
    pb.environment().remove("ANSIBLE_CALLBACKS_ENABLED");
    pb.environment().put("ANSIBLE_NOCOLOR", "1");
    pb.environment().putAll(env);
    int code = pb.start().waitFor();
    return new Result(code, Files.readString(out));
  }
}
