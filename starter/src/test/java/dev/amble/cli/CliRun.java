package dev.amble.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the amble command line in this JVM and keeps what it printed. */
record CliRun(int code, String out, String err) {
  static CliRun run(Path cwd, Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("AMBLE_FILE");
    env.remove("AMBLE_WORKSPACE");
    env.putAll(extraEnv);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Amble.execute(
            new Amble(env, cwd), args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }

  static CliRun run(Path cwd, String... args) {
    return run(cwd, Map.of(), args);
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
  }
}
