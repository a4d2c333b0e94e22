package dev.amble.server;

import dev.amble.worker.LocalTemporal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The local server's own ports besides the frontend's: its history, matching and worker services'
 * gRPC ports, the frontend's HTTP API, and each service's membership port. With the default
 * frontend port they are Temporal's classic ones (7234, 7235, 7239, 7243, 6933–6939); a server on
 * another frontend port (a second `amble server` on the machine, a test's own) takes free ones
 * below 32768 (Temporal keeps membership ports in a {@code smallint} column in PostgreSQL), kept in
 * the data folder so that a restart finds the same ones while they stay free.
 */
public record InternalPorts(
    int history,
    int matching,
    int worker,
    int http,
    int frontendMembership,
    int historyMembership,
    int matchingMembership,
    int workerMembership) {

  public static final InternalPorts CLASSIC =
      new InternalPorts(7234, 7235, 7239, 7243, 6933, 6934, 6935, 6939);

  /** The file in a server's data folder that keeps its choice. */
  static final String FILE = "internal-ports";

  /** Membership ports must fit a {@code smallint}. */
  static final int BELOW = 32768;

  public List<Integer> all() {
    return List.of(
        history,
        matching,
        worker,
        http,
        frontendMembership,
        historyMembership,
        matchingMembership,
        workerMembership);
  }

  /** Each port moved by {@code offset} (the benchmarks' servers side by side). */
  public InternalPorts shifted(int offset) {
    int[] p = all().stream().mapToInt(i -> i + offset).toArray();
    return new InternalPorts(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
  }

  /** The server config template with these ports in place of their placeholders. */
  public String render(String template) {
    return template
        .replace("{{HISTORY_PORT}}", Integer.toString(history))
        .replace("{{MATCHING_PORT}}", Integer.toString(matching))
        .replace("{{WORKER_PORT}}", Integer.toString(worker))
        .replace("{{HTTP_PORT}}", Integer.toString(http))
        .replace("{{FRONTEND_MEMBERSHIP_PORT}}", Integer.toString(frontendMembership))
        .replace("{{HISTORY_MEMBERSHIP_PORT}}", Integer.toString(historyMembership))
        .replace("{{MATCHING_MEMBERSHIP_PORT}}", Integer.toString(matchingMembership))
        .replace("{{WORKER_MEMBERSHIP_PORT}}", Integer.toString(workerMembership));
  }

  /**
   * The ports a server on {@code frontend} starts with: those kept in {@code data} while all are
   * free, else the classic ones for the default frontend port while all are free, else free ones
   * below 32768; the choice is kept in {@code data}.
   *
   * @param taken the server's other ports (Web UI, codec server), never chosen
   */
  static InternalPorts choose(Path data, int frontend, Set<Integer> taken) throws IOException {
    Set<Integer> not = new HashSet<>(taken);
    not.add(frontend);
    IntPredicate usable = p -> !not.contains(p) && LocalTemporal.isFree(p);
    Path file = data.resolve(FILE);
    Optional<InternalPorts> kept =
        Files.exists(file) ? parse(Files.readString(file)) : Optional.empty();
    InternalPorts chosen;
    if (kept.isPresent() && kept.get().all().stream().allMatch(usable::test)) {
      chosen = kept.get();
    } else if (frontend == LocalTemporal.FRONTEND_PORT
        && CLASSIC.all().stream().allMatch(usable::test)) {
      chosen = CLASSIC;
    } else {
      chosen = free(frontend, usable);
    }
    Files.writeString(file, chosen.text() + "\n");
    return chosen;
  }

  /** Eight free ports from a place that depends on the frontend's port, wrapping below 32768. */
  private static InternalPorts free(int frontend, IntPredicate usable) {
    int span = BELOW - 10000;
    int start = 10000 + Math.floorMod(frontend * 97, span);
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < span && found.size() < 8; i++) {
      int port = 10000 + Math.floorMod(start - 10000 + i, span);
      if (usable.test(port)) {
        found.add(port);
      }
    }
    if (found.size() < 8) {
      throw new LocalServer.ServerException(
          "no 8 free ports below " + BELOW + " for the server's services");
    }
    return new InternalPorts(
        found.get(0),
        found.get(1),
        found.get(2),
        found.get(3),
        found.get(4),
        found.get(5),
        found.get(6),
        found.get(7));
  }

  String text() {
    return String.join(" ", all().stream().map(String::valueOf).toList());
  }

  static Optional<InternalPorts> parse(String text) {
    try {
      int[] p = Arrays.stream(text.strip().split("\\s+")).mapToInt(Integer::parseInt).toArray();
      return p.length == 8
          ? Optional.of(new InternalPorts(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
