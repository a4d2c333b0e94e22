package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.BecomePassword;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.Processes;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.worker.HostActivitiesImpl;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The become password reaches the become program (a stand-in for sudo that checks it), and appears
 * in no log file, no activity input or output, and no process's argument list.
 */
class BecomePasswordTest {
  @TempDir Path dir;

  /** Unique to this run: a leak of another test run's password on the machine is not this one's. */
  static final String MARKER = "amble-marker-Pa55word-" + java.util.UUID.randomUUID();

  @Test
  void thePasswordWorksAndIsSeenNowhere() throws Exception {
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(MARKER.getBytes(StandardCharsets.UTF_8)));
    Path verdicts = dir.resolve("sudo-verdicts");
    Path fakeSudo = dir.resolve("fake-sudo");
    Files.writeString(
        fakeSudo,
        "#!"
            + LocalFleet.ansible().python()
            + "\n"
            + """
            # Stands in for sudo: prompts as sudo -S -p does, checks the password by its hash.
            import hashlib, os, sys
            args, prompt, i = sys.argv[1:], None, 0
            while i < len(args):
                if args[i] == "-p": prompt = args[i + 1]; i += 2
                elif args[i] == "-u": i += 2
                elif args[i].startswith("-"): i += 1
                else: break
            command = args[i:]
            ok = False
            if prompt is not None:
                sys.stderr.write(prompt); sys.stderr.flush()
                given = sys.stdin.readline().rstrip("\\n")
                ok = hashlib.sha256(given.encode()).hexdigest() == "%s"
            with open("%s", "a") as f:
                f.write("ok\\n" if ok else "refused\\n")
            if not ok:
                sys.stderr.write("Sorry, try again.\\n"); sys.exit(1)
            os.execvp(command[0], command)
            """
                .formatted(hash, verdicts));
    Files.setPosixFilePermissions(fakeSudo, PosixFilePermissions.fromString("rwxr-xr-x"));

    LocalFleet fleet =
        LocalFleet.create(
            dir,
            "root",
            1,
            (h, v) -> {
              v.put("ansible_become_method", "sudo");
              v.put("ansible_become_exe", fakeSudo.toString());
              // Ansible skips become when the become user is the connecting one (root here).
              v.put("ansible_become_user", "nobody");
            });
    Definition d =
        Definitions.write(
            dir,
            "secret",
            """
            workspaces:
              secret: { host_pattern: fleet, workflow: w, inventory: inventory.yml }
            workflows:
              w: { jobs: [ { job: as-root } ] }
            jobs:
              as-root:
                become: true
                tasks:
                  - name: who am I
                    ansible.builtin.command: id -u
            """);
    ProcessRunner runner =
        new ProcessRunner(
            LocalFleet.ansible(), BecomePassword.of(MARKER.toCharArray()), System.getenv());
    new WorkspacePlanner(new Inventory(runner)).hosts(d, Optional.empty());

    ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();
    AtomicBoolean walking = new AtomicBoolean(true);
    Thread watcher =
        new Thread(
            () -> {
              while (walking.get()) {
                for (String cmd : Processes.commandLines()) {
                  if (cmd.contains(MARKER)) {
                    leaks.add(cmd);
                  }
                }
              }
            });
    watcher.start();
    List<Object> seen;
    try {
      seen =
          WalkOneHost.walk(
              new HostActivitiesImpl(runner, "test", Clock.systemUTC()),
              d,
              fleet.hosts().get(0),
              "r1");
    } finally {
      walking.set(false);
      watcher.join();
    }

    List<String> checks = Files.readAllLines(verdicts);
    assertFalse(checks.isEmpty(), "the become program never ran");
    assertTrue(checks.stream().allMatch("ok"::equals), "sudo stand-in verdicts: " + checks);

    assertEquals(List.of(), List.copyOf(leaks), "the password was in a process argument list");
    for (Object io : seen) {
      String json =
          new String(
              DefaultDataConverter.STANDARD_INSTANCE
                  .toPayload(io)
                  .orElseThrow()
                  .getData()
                  .toByteArray(),
              StandardCharsets.UTF_8);
      assertFalse(
          json.contains(MARKER), "the password was in an activity input or output: " + json);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertFalse(
            new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(MARKER),
            "the password was in " + f);
      }
    }
  }
}
