package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON lines amble's callback plugin ({@code amble_events.py}) writes during a run. */
public final class AnsibleEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event: a task starting, a host's result of a task, or the recap. */
  public record Event(
      String event,
      String host,
      String task,
      String action,
      String msg,
      boolean ignored,
      JsonNode raw) {}

  /** What went wrong for a host, and the event that says so. */
  public record Problem(Event event, boolean unreachable) {}

  private AnsibleEvents() {}

  /**
   * The hosts a run failed or could not reach, in the order they went wrong. With the play recap
   * (stats) the recap decides: a failure that a rescue block handled, or an unreachable task with
   * ignore_unreachable, is no problem, and the message is the host's last such event. Without a
   * recap (the run was stopped) every failed or unreachable event not ignored counts, the first one
   * of each host.
   */
  public static Map<String, Problem> problems(List<Event> events) {
    Optional<JsonNode> recap = Optional.empty();
    for (Event e : events) {
      if (e.event().equals("stats")) {
        recap = Optional.of(e.raw().path("hosts"));
      }
    }
    Map<String, Problem> problems = new LinkedHashMap<>();
    for (Event e : events) {
      boolean unreachable = e.event().equals("unreachable");
      if (!(unreachable || e.event().equals("failed")) || e.ignored() || e.host().isEmpty()) {
        continue;
      }
      if (recap.isEmpty()) {
        problems.putIfAbsent(e.host(), new Problem(e, unreachable));
        continue;
      }
      JsonNode counts = recap.get().path(e.host());
      boolean counted = counts.path(unreachable ? "unreachable" : "failures").asInt(0) > 0;
      boolean unreachableWins = !unreachable && counts.path("unreachable").asInt(0) > 0;
      if (counted && !unreachableWins) {
        problems.remove(e.host()); // the last one is the one that ended the host's play
        problems.put(e.host(), new Problem(e, unreachable));
      }
    }
    return problems;
  }

  public static List<Event> read(Path file) {
    List<Event> events = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return events;
    } catch (IOException e) {
      throw new AnsibleException("cannot read Ansible events " + file + ": " + e.getMessage(), e);
    }
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        continue; // a line being written while we read
      }
      events.add(
          new Event(
              n.path("event").asText(),
              n.path("host").asText(""),
              n.path("task").asText(n.path("name").asText("")),
              n.path("action").asText(""),
              n.path("msg").asText(""),
              n.path("ignored").asBoolean(false),
              n));
    }
    return events;
  }

  /** The name of the task running now, for progress reports. */
  public static Optional<String> currentTask(Path file) {
    List<Event> events = read(file);
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).event().equals("task")) {
        return Optional.of(events.get(i).task());
      }
    }
    return Optional.empty();
  }
}
