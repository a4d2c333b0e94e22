package dev.amble.ansible;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Watches every process's argument list and environment (those this user may read) for secrets
 * while a test runs Ansible, and lists the files under folders that hold one.
 */
public final class SecretWatcher implements AutoCloseable {
  private final List<String> secrets;
  private final ConcurrentLinkedQueue<String> leaks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean watching = new AtomicBoolean(true);
  private final Thread thread;

  private SecretWatcher(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
    this.thread = new Thread(this::watch, "secret-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  public static SecretWatcher start(List<String> secrets) {
    return new SecretWatcher(secrets);
  }

  /** Stops watching; returns where a secret was seen ("argv of PID", "environment of PID"). */
  public Set<String> stop() throws InterruptedException {
    watching.set(false);
    thread.join();
    return new TreeSet<>(leaks);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void watch() {
    while (watching.get()) {
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
          check(proc, "cmdline", "argv");
          check(proc, "environ", "environment");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        Thread.sleep(50); // a sample every 50 ms: Ansible's processes live a second or more
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void check(Path proc, String file, String what) {
    String text;
    try {
      text = new String(Files.readAllBytes(proc.resolve(file)), StandardCharsets.UTF_8);
    } catch (IOException goneOrNotOurs) {
      return;
    }
    for (String secret : secrets) {
      if (text.contains(secret)) {
        leaks.add(what + " of " + proc.getFileName() + ": " + text.replace('\0', ' '));
      }
    }
  }

  /** The regular files under the folders (those that exist) that hold one of the secrets. */
  public static Set<Path> filesHolding(List<String> secrets, Path... folders) throws IOException {
    Set<Path> found = new TreeSet<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String text;
          try {
            text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          } catch (IOException gone) {
            continue;
          }
          if (secrets.stream().anyMatch(text::contains)) {
            found.add(f);
          }
        }
      }
    }
    return found;
  }
}
