package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads hosts' cached facts from whatever store Ansible caches them in, through Ansible's own cache
 * plugin: amble's helper {@code amble_facts.py}, run with the Python of amble's Ansible and the
 * same Ansible settings as the workspace's runs (the {@code ANSIBLE_CACHE_PLUGIN*} variables of
 * {@link FactStoreSettings}, ansible.cfg), reads exactly what ansible-playbook wrote there. The
 * facts come back as plain JSON, as {@link FactCache} gives them.
 *
 * <p>Host names go to the helper on its standard input, never in its argument list, and the facts
 * come back one host at a time, so that 100,000 hosts need neither a huge command line nor every
 * host's facts in memory at once: {@link #read(Iterable, Each)} hands each host to the caller as it
 * arrives.
 */
public final class FactReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long the helper may go without answering a host before it is ended. */
  static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);

  private static final int STDERR_KEPT = 4096;

  /** Called once for each host asked, in the order asked, on the caller's thread. */
  @FunctionalInterface
  public interface Each {
    void accept(String host, Optional<JsonNode> facts);
  }

  private final ProcessRunner runner;
  private final Map<String, String> settings;
  private final Path workingDirectory;

  /**
   * @param runner whose Ansible installation and passed-through environment the helper gets, as
   *     every Ansible process does
   * @param settings the workspace's Ansible settings (those of its runs: the fact store's
   *     variables, ANSIBLE_CONFIG)
   * @param workingDirectory where the workspace's Ansible processes run (the Amblefile's folder)
   */
  public FactReader(ProcessRunner runner, Map<String, String> settings, Path workingDirectory) {
    this.runner = runner;
    this.settings = Map.copyOf(settings);
    this.workingDirectory = workingDirectory;
  }

  /** The cached facts of those {@code hosts} that have some. */
  public Map<String, JsonNode> read(Collection<String> hosts) {
    Map<String, JsonNode> found = new LinkedHashMap<>();
    read(hosts, (host, facts) -> facts.ifPresent(f -> found.put(host, f)));
    return found;
  }

  /** Hands each of {@code hosts} with its cached facts, if any, to {@code each}. */
  public void read(Iterable<String> hosts, Each each) {
    AnsibleInstallation ansible = runner.ansible();
    AnsibleCommand command =
        new AnsibleCommand(
            "amble_facts.py",
            List.of(),
            workingDirectory,
            settings,
            workingDirectory.resolve("amble_facts.log"), // not written: stderr is kept in memory
            Optional.empty(),
            IDLE_TIMEOUT,
            AnsibleCommand.ExecutorUse.WHEN_READY);
    ProcessBuilder builder =
        new ProcessBuilder(ansible.python().toString(), ansible.factReader().toString())
            .directory(workingDirectory.toFile());
    builder.environment().clear();
    // This helper runs no task, so it may hold the Redis password in its environment.
    builder
        .environment()
        .putAll(
            FactStoreSettings.withPassword(
                runner.environment(command, false), runner.workerEnvironment()));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AnsibleException("could not run amble_facts.py: " + e.getMessage(), e);
    }
    StringBuffer stderr = new StringBuffer();
    Thread errors = keepTail(process.getErrorStream(), stderr);
    AtomicReference<Throwable> writing = new AtomicReference<>();
    Thread writer = new Thread(() -> writeHosts(process, hosts, writing), "amble-facts-hosts");
    writer.setDaemon(true);
    writer.start();
    BlockingQueue<Line> lines = new ArrayBlockingQueue<>(256);
    Thread reader = new Thread(() -> readLines(process, lines), "amble-facts-out");
    reader.setDaemon(true);
    reader.start();
    try {
      while (true) {
        Line line = lines.poll(IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
          throw new AnsibleException(
              "reading cached facts: no answer within " + IDLE_TIMEOUT.toSeconds() + "s");
        }
        if (line.end()) {
          if (line.failure() != null) {
            throw new AnsibleException(
                "reading cached facts: " + line.failure().getMessage(), line.failure());
          }
          break;
        }
        JsonNode answer;
        try {
          answer = JSON.readTree(line.text());
        } catch (IOException e) {
          throw new AnsibleException("unreadable cached facts: " + e.getMessage(), e);
        }
        JsonNode facts = answer.get("facts");
        each.accept(
            answer.path("host").asText(),
            facts == null || !facts.isObject() ? Optional.empty() : Optional.of(facts));
      }
      if (!process.waitFor(IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AnsibleException("amble_facts.py did not end after its last answer");
      }
      errors.join(IDLE_TIMEOUT.toMillis());
      writer.join(IDLE_TIMEOUT.toMillis());
      if (process.exitValue() != 0) {
        throw new AnsibleException(
            "reading cached facts failed (exit "
                + process.exitValue()
                + "): "
                + stderr.toString().strip());
      }
      if (writing.get() != null) {
        throw new AnsibleException(
            "reading cached facts: could not send the host names: " + writing.get().getMessage(),
            writing.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AnsibleException("reading cached facts interrupted", e);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      reader.interrupt(); // if it waits to queue a line that nobody takes any more
    }
  }

  /** One line of the helper's output, or its end (with the failure that ended it, if any). */
  private record Line(String text, boolean end, Throwable failure) {}

  private static void writeHosts(
      Process process, Iterable<String> hosts, AtomicReference<Throwable> failure) {
    try (Writer out =
        new BufferedWriter(
            new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      for (String host : hosts) {
        out.write(JSON.writeValueAsString(host));
        out.write('\n');
      }
    } catch (IOException | RuntimeException e) {
      // The helper ended early (it says why on stderr), or the hosts could not be listed.
      failure.set(e);
    }
  }

  private static void readLines(Process process, BlockingQueue<Line> lines) {
    Throwable failure = null;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16)) {
      String text;
      while ((text = in.readLine()) != null) {
        lines.put(new Line(text, false, null));
      }
    } catch (IOException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      lines.put(new Line("", true, failure));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads a stream to its end on a thread, keeping its last few thousand characters. */
  private static Thread keepTail(InputStream stream, StringBuffer tail) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  tail.append(line).append('\n');
                  if (tail.length() > STDERR_KEPT) {
                    tail.delete(0, tail.length() - STDERR_KEPT);
                  }
                }
              } catch (IOException ended) {
                // the process ended
              }
            },
            "amble-facts-err");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
