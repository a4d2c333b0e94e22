package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The JSON lines amble's callback plugin ({@code amble_events.py}) writes during a run. */
public final class AnsibleEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event: a task starting, a host's result of a task, or the recap. */
  public record Event(
      String event, String host, String task, String action, String msg, boolean ignored, JsonNode raw) {}

  private AnsibleEvents() {}

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
