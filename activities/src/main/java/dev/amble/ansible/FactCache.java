package dev.amble.ansible;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads Ansible's {@code jsonfile} fact cache, the files Ansible writes itself. Two layouts exist:
 * ansible-core 2.19 and later write {@code s1_HOST} holding {@code {"__payload__": "<json>"}}
 * (values may be wrapped as {@code {"__ansible_type": ..., "value": ...}}); earlier versions write
 * {@code HOST} holding the facts themselves. Both are read; the newer wins.
 *
 * <p>A cache made {@linkplain #FactCache(Path, Set) with the keys a plan reads} keeps only those
 * top-level facts of each host, and can {@linkplain #prefetch(int) read every file ahead}, on
 * threads of its own, while the hosts are still being resolved; {@link #read(String)} then answers
 * from what was read (or reads the file itself, if it was not yet).
 */
public final class FactCache {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String[] PREFIXES = {"s1_", ""};
  private static final String PAYLOAD = "__payload__";
  private static final String TYPE = "__ansible_type";
  private static final String VALUE = "value";

  private final Path dir;
  private final Optional<Set<String>> keys;

  /** Each file's reading, by file name, once prefetching has begun; never one file read twice. */
  private final Map<String, FutureTask<File>> files = new ConcurrentHashMap<>();

  private volatile boolean prefetching;

  public FactCache(Path dir) {
    this(dir, Optional.empty());
  }

  /** A cache whose facts are only the top-level {@code keys} of each host's facts. */
  public FactCache(Path dir, Set<String> keys) {
    this(dir, Optional.of(Set.copyOf(keys)));
  }

  private FactCache(Path dir, Optional<Set<String>> keys) {
    this.dir = dir;
    this.keys = keys;
  }

  public Path dir() {
    return dir;
  }

  /**
   * The cached facts of a host: the keys {@code ansible_*} as the setup module returns them (only
   * those of this cache's keys, when it has some).
   */
  public Optional<JsonNode> read(String host) {
    for (String prefix : PREFIXES) {
      File file = file(prefix + host);
      if (file instanceof File.Failed failed) {
        throw new AnsibleException(failed.message(), failed.cause());
      }
      if (file instanceof File.Facts facts) {
        return Optional.of(facts.facts());
      }
      // absent, or not an object: try the other layout
    }
    return Optional.empty();
  }

  /** What one file of the cache holds. */
  private sealed interface File {
    /** Absent, or not a JSON object: the other layout is tried. */
    record Nothing() implements File {}

    record Facts(JsonNode facts) implements File {}

    record Failed(String message, IOException cause) implements File {}
  }

  private static final File NOTHING = new File.Nothing();

  private File file(String name) {
    if (!prefetching) {
      return load(dir.resolve(name));
    }
    FutureTask<File> task =
        files.computeIfAbsent(name, n -> new FutureTask<>(() -> load(dir.resolve(n))));
    task.run(); // unless another thread runs or ran it
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AnsibleException("reading cached facts interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private File load(Path file) {
    try {
      if (keys.isPresent()) {
        Optional<JsonNode> selected = selected(file, keys.get());
        if (selected.isPresent()) {
          return new File.Facts(selected.get());
        }
        // not the usual shape: read as a whole, as below, then select
      }
      JsonNode root = JSON.readTree(file.toFile());
      if (root == null || !root.isObject()) {
        return NOTHING;
      }
      JsonNode payload = root.get(PAYLOAD);
      JsonNode facts =
          payload != null && payload.isTextual() ? JSON.readTree(payload.asText()) : root;
      JsonNode plain = unwrap(facts);
      return new File.Facts(keys.map(k -> select(plain, k)).orElse(plain));
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return NOTHING;
    } catch (IOException e) {
      return new File.Failed("unreadable fact cache file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The facts of a file of the usual shape, an object (the facts, or the newer layout's payload
   * holding them as an object), reading only the values of {@code keys} into memory; empty for any
   * other file, even one that cannot be read or parsed: the caller reads it as a whole, so that
   * what it makes of it (and why it fails) is exactly as before.
   */
  private static Optional<JsonNode> selected(Path file, Set<String> keys) {
    try (JsonParser outer = JSON.getFactory().createParser(file.toFile())) {
      Optional<Selection> root = Selection.of(outer, keys, true);
      if (root.isEmpty()) {
        return Optional.empty();
      }
      if (root.get().payload() == null) {
        return root.get().facts();
      }
      try (JsonParser inner = JSON.getFactory().createParser(root.get().payload())) {
        return Selection.of(inner, keys, false).flatMap(Selection::facts);
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * One JSON object read with only the values of some keys kept.
   *
   * @param payload the last value of {@code __payload__} when it is a string (only looked for in a
   *     file's root object), else null
   * @param tagged the object has both {@code __ansible_type} and {@code value}: it is a tagged
   *     value, not facts
   */
  private record Selection(ObjectNode kept, String payload, boolean tagged) {
    /** The object the parser is at the start of, or empty if it is not at an object. */
    static Optional<Selection> of(JsonParser parser, Set<String> keys, boolean root)
        throws IOException {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      ObjectNode kept = JsonNodeFactory.instance.objectNode();
      String payload = null;
      boolean type = false;
      boolean value = false;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken v = parser.nextToken();
        if (root && name.equals(PAYLOAD)) {
          payload = v == JsonToken.VALUE_STRING ? parser.getText() : null;
        }
        type |= name.equals(TYPE);
        value |= name.equals(VALUE);
        if (keys.contains(name)) {
          JsonNode node = JSON.readTree(parser);
          if (node == null) {
            node = JsonNodeFactory.instance.nullNode();
          }
          kept.set(name, node.isContainerNode() ? unwrap(node) : node);
        } else {
          parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT) {
        return Optional.empty();
      }
      return Optional.of(new Selection(kept, payload, type && value));
    }

    /** The facts, when this object is facts (not a tagged value, read as a whole instead). */
    Optional<JsonNode> facts() {
      return tagged ? Optional.empty() : Optional.of(kept);
    }
  }

  /** Only the top-level {@code keys} of an object, in its order; anything else as it is. */
  static JsonNode select(JsonNode facts, Set<String> keys) {
    if (!facts.isObject()) {
      return facts;
    }
    ObjectNode kept = JsonNodeFactory.instance.objectNode();
    facts
        .fields()
        .forEachRemaining(
            f -> {
              if (keys.contains(f.getKey())) {
                kept.set(f.getKey(), f.getValue());
              }
            });
    return kept;
  }

  /**
   * Starts reading every file of the cache on {@code threads} threads of its own, ahead of {@link
   * #read(String)}; closing stops them. Only for a cache with keys: whole facts of every host would
   * not fit in memory.
   */
  public Prefetch prefetch(int threads) {
    if (keys.isEmpty()) {
      throw new IllegalStateException("prefetching whole facts");
    }
    prefetching = true;
    AtomicBoolean stopped = new AtomicBoolean();
    Thread lister =
        new Thread(
            () -> {
              List<String> names = names();
              AtomicInteger next = new AtomicInteger();
              Runnable work =
                  () -> {
                    int i;
                    while (!stopped.get() && (i = next.getAndIncrement()) < names.size()) {
                      String name = names.get(i);
                      files
                          .computeIfAbsent(name, n -> new FutureTask<>(() -> load(dir.resolve(n))))
                          .run();
                    }
                  };
              for (int t = 1; t < threads; t++) {
                Thread worker = new Thread(work, "amble-facts-" + t);
                worker.setDaemon(true);
                worker.start();
              }
              work.run();
            },
            "amble-facts-0");
    lister.setDaemon(true);
    lister.start();
    return () -> stopped.set(true);
  }

  /** Reading ahead, until closed. */
  public interface Prefetch extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * The cache's file names, those of the older layout only for hosts without a file of the newer
   * (read on demand, should the newer file not hold facts).
   */
  private List<String> names() {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
      listing.forEach(p -> names.add(p.getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      return List.of(); // each host's files are read as it is planned, and fail then
    }
    Set<String> newer = new HashSet<>();
    for (String name : names) {
      if (name.startsWith(PREFIXES[0])) {
        newer.add(name.substring(PREFIXES[0].length()));
      }
    }
    return names.stream().filter(n -> !newer.contains(n)).toList();
  }

  /** Ansible's serialized tagged values ({@code __ansible_type}) as their plain values. */
  static JsonNode unwrap(JsonNode node) {
    if (node.isObject()) {
      if (node.has(TYPE) && node.has(VALUE)) {
        return unwrap(node.get(VALUE));
      }
      ObjectNode object = (ObjectNode) node;
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = field.getValue();
        if (value.isContainerNode()) {
          JsonNode plain = unwrap(value);
          if (plain != value) {
            field.setValue(plain);
          }
        }
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isContainerNode()) {
          JsonNode plain = unwrap(array.get(i));
          if (plain != array.get(i)) {
            array.set(i, plain);
          }
        }
      }
    }
    return node;
  }
}
