package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers on other machines, as far as one machine allows: two workers that cannot see the CLI's
 * checkout (each in a mount namespace where an empty tmpfs covers it), each with its own folder and
 * no jsonfile fact cache, Redis the only store they share with the CLI. The rollout runs the
 * content it was started with, though the checkout changes right after `amble run` returns: inline
 * tasks, a tasks file, and a playbook with a role. `amble init` gathers facts on the CLI's side,
 * and the workers' planning decides from them.
 */
class IsolatedWorkersTest {
  @TempDir Path project;
  @TempDir Path hosts;
  @TempDir Path workers;

  @Test
  void workersThatCannotSeeTheCheckoutRunTheContentAsStarted() throws Exception {
    TemporalServerProcess.ensureRunning();
    try (RedisServer redis = RedisServer.start(workers)) {
      LocalFleet fleet =
          LocalFleet.create(
              hosts,
              "iso",
              4,
              (h, v) -> {
                v.put("amble_state_become", false);
                v.put("frozen", h.equals("iso03"));
              });
      Files.copy(fleet.inventory(), project.resolve("inventory.yml"));
      Files.writeString(project.resolve("version.txt"), "v1\n");
      Files.createDirectories(project.resolve("tasks"));
      Files.writeString(
          project.resolve("tasks/stamp.yml"),
          """
          - name: stamp the version from a tasks file
            ansible.builtin.copy:
              dest: "{{ amble_state_dir }}/tasks-file.txt"
              content: "{{ lookup('ansible.builtin.file', playbook_dir + '/version.txt') }}"
          """);
      Files.createDirectories(project.resolve("roles/stamp/tasks"));
      Files.createDirectories(project.resolve("roles/stamp/files"));
      Files.writeString(project.resolve("roles/stamp/files/version.txt"), "v1\n");
      Files.writeString(
          project.resolve("roles/stamp/tasks/main.yml"),
          """
          - name: stamp the version from a role
            ansible.builtin.copy:
              src: version.txt
              dest: "{{ amble_state_dir }}/role.txt"
          """);
      Files.writeString(
          project.resolve("site.yml"),
          """
          - name: a playbook with a role
            hosts: all
            gather_facts: false
            roles: [ stamp ]
          """);
      Files.writeString(
          project.resolve("Amblefile.yml"),
          """
          project: isolation
          workspaces:
            fleet:
              host_pattern: fleet
              workflow: stamp
              inventory: inventory.yml
              sort_order: ascending
              concurrency: 2
              facts: redis://127.0.0.1:%d/0
          workflows:
            stamp:
              jobs: [ { job: hidden }, { job: file }, { job: play } ]
          jobs:
            hidden:
              become: false
              preconditions: '!(vars.frozen == true && facts.ansible_system == "Linux")'
              tasks:
                - name: look for the CLI's checkout
                  ansible.builtin.stat: { path: "%s/Amblefile.yml" }
                  register: checkout
                - name: the worker cannot see it
                  ansible.builtin.assert:
                    that: [ "not checkout.stat.exists" ]
                    fail_msg: "this worker sees the CLI's checkout"
            file: { become: false, tasks_file: tasks/stamp.yml }
            play: { become: false, playbooks: [ site.yml ] }
          """
              .formatted(redis.port(), project));
      git("init", "-q");
      git("add", "-A");
      git("-c", "user.name=t", "-c", "user.email=t@example.net", "commit", "-q", "-m", "v1");
      String commit = git("rev-parse", "HEAD");

      Map<String, String> env =
          new HashMap<>(TemporalServerProcess.env("e2e-iso-" + UUID.randomUUID()));
      AmbleProcess.Result init = AmbleProcess.run(project, env, 180, "init");
      assertEquals(0, init.code(), init.toString());
      AmbleProcess.Result plan = AmbleProcess.run(project, env, 120, "plan");
      assertTrue(plan.out().matches("(?s).*iso03 +skip.*"), "the CLI plans from Redis: " + plan);

      List<Process> started = new ArrayList<>();
      try {
        for (int i = 1; i <= 2; i++) {
          Path home = Files.createDirectories(workers.resolve("worker-" + i));
          Map<String, String> own = new HashMap<>(env);
          own.put("XDG_CACHE_HOME", home.resolve("cache").toString());
          own.put("HOME", home.toString());
          started.add(
              AmbleProcess.start(hidden(project), home, own, home.resolve("worker.log"), "worker"));
        }
        AmbleProcess.Result run = AmbleProcess.run(project, env, 120, "run", "--detach");
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().contains("Content "), run.toString());

        // The checkout moves on at once: nothing of it reaches the running rollout.
        Files.writeString(project.resolve("version.txt"), "v2\n");
        Files.writeString(project.resolve("roles/stamp/files/version.txt"), "v2\n");
        git("-c", "user.name=t", "-c", "user.email=t@example.net", "commit", "-qam", "v2");

        JsonNode done =
            new Rollout(project, env)
                .await(
                    "ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(6));
        assertEquals(3, Rollout.count(done, "succeeded"), done.toString());
        assertEquals(1, Rollout.count(done, "skipped"), done.toString());
        assertTrue(
            done.path("content").path("commit").asText().equals(commit),
            "status shows the commit the rollout started from: " + done);
        AmbleProcess.Result status = AmbleProcess.run(project, env, 60, "status");
        assertTrue(
            status.out().contains("(git " + commit + ")"),
            "status shows the content and its commit: " + status);
      } finally {
        for (Process p : started) {
          p.destroy();
          p.waitFor();
        }
      }
      for (String host : List.of("iso01", "iso02", "iso04")) {
        assertEquals(
            "v1", Files.readString(fleet.stateDir(host).resolve("tasks-file.txt")).strip(), host);
        assertEquals(
            "v1", Files.readString(fleet.stateDir(host).resolve("role.txt")).strip(), host);
      }
      assertFalse(Files.exists(fleet.stateDir("iso03").resolve("role.txt")));
      // iso03 was decided at planning, from the facts init put in Redis: no worker prepared it.
      List<Path> logs = files(workers);
      assertTrue(
          logs.stream().anyMatch(p -> p.toString().contains("/logs/iso01/")), logs.toString());
      assertTrue(
          logs.stream().noneMatch(p -> p.toString().contains("/logs/iso03/")), logs.toString());
      // Neither side cached facts in files: Redis holds them.
      assertTrue(logs.stream().noneMatch(p -> p.toString().contains("/facts/")), logs.toString());
      assertFalse(Files.exists(project.resolve(".amble/fleet/facts")));
    }
  }

  /** A wrapper that hides {@code folder} from the command behind an empty tmpfs. */
  static List<String> hidden(Path folder) {
    return List.of(
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "--",
        "/bin/sh",
        "-c",
        "mount -t tmpfs -o size=1m,mode=0700 amble-hidden \"$1\" && shift && exec \"$@\"",
        "sh",
        folder.toString());
  }

  private String git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", project.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  private static List<Path> files(Path root) throws Exception {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).toList();
    }
  }
}
