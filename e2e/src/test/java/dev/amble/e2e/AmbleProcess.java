package dev.amble.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The amble CLI as a separate process, exactly as an operator runs it: {@code java -jar amble.jar}
 * with the JVM options its launchers give it.
 */
final class AmbleProcess {
  static final Path ROOT = Path.of(System.getProperty("amble.home")).toAbsolutePath();
  static final Path JAR = ROOT.resolve("starter/target/amble.jar");

  /** What a finished command printed. */
  record Result(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private AmbleProcess() {}

  static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ShippedJvmOptions.of(ROOT));
    command.add("-Damble.home=" + ROOT);
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(args);
    return command;
  }

  static Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("AMBLE_FILE");
    env.remove("AMBLE_WORKSPACE");
    // Workers of tests that are not about encryption run without a payload key; a test that sets
    // one (AMBLE_CODEC_KEY_FILE, AMBLE_CODEC_KEYS) gets a worker that refuses anything else.
    env.put("AMBLE_INSECURE_PLAINTEXT", "true");
    env.putAll(extra);
    return env;
  }

  /** Runs to the end (at most {@code timeoutSeconds}) and returns what it printed. */
  static Result run(Path cwd, Map<String, String> env, long timeoutSeconds, String... args) {
    try {
      Path out = Files.createTempFile("amble-out", ".txt");
      Path err = Files.createTempFile("amble-err", ".txt");
      ProcessBuilder pb =
          new ProcessBuilder(command(List.of(args)))
              .directory(cwd.toFile())
              .redirectInput(new File("/dev/null"))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().clear();
      pb.environment().putAll(environment(env));
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(
            "amble "
                + String.join(" ", args)
                + " did not end within "
                + timeoutSeconds
                + "s:\n"
                + Files.readString(out)
                + Files.readString(err));
      }
      Result r =
          new Result(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a long-running command (a worker), its output going to {@code log}. */
  static Process start(Path cwd, Map<String, String> env, Path log, String... args) {
    return start(List.of(), cwd, env, log, args);
  }

  /**
   * Starts a long-running command under {@code wrapper} (a program that runs the rest of its
   * arguments, such as one that first hides a folder from it).
   */
  static Process start(
      List<String> wrapper, Path cwd, Map<String, String> env, Path log, String... args) {
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(command(List.of(args)));
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(cwd.toFile())
              .redirectInput(new File("/dev/null"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().clear();
      pb.environment().putAll(environment(env));
      return pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits up to 3 minutes for {@code file} to exist and hold {@code text}. */
  static void awaitText(String what, Path file, String text) throws Exception {
    java.time.Instant deadline = java.time.Instant.now().plus(java.time.Duration.ofMinutes(3));
    while (java.time.Instant.now().isBefore(deadline)) {
      if (java.nio.file.Files.exists(file) && java.nio.file.Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(200); // polling a file with a deadline
    }
    throw new AssertionError(what + ": not within 3 minutes (" + file + ")");
  }
}
