package dev.amble.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/** A rollout followed from the outside, through `amble status --output json`. */
final class Rollout {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path folder;
  private final Map<String, String> env;

  Rollout(Path folder, Map<String, String> env) {
    this.folder = folder;
    this.env = env;
  }

  JsonNode status() {
    AmbleProcess.Result r = AmbleProcess.run(folder, env, 60, "status", "--output", "json");
    if (r.out().isBlank()) {
      throw new IllegalStateException("no status: " + r);
    }
    try {
      return JSON.readTree(r.out());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(r.toString(), e);
    }
  }

  /** Polls the status until it satisfies the condition (status calls that fail are retried). */
  JsonNode await(String what, Predicate<JsonNode> condition, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        JsonNode s = status();
        if (condition.test(s)) {
          return s;
        }
        last = s.toString();
      } catch (IllegalStateException notNow) {
        last = notNow.getMessage();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("rollout never " + what + " within " + timeout + "; last: " + last);
  }

  static int count(JsonNode status, String outcome) {
    return status.path("counts").path(outcome).asInt();
  }
}
