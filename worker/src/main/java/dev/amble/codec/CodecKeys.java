package dev.amble.codec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys a process encrypts and decrypts payloads with: the current key encrypts, every key (the
 * current one and older ones) decrypts, so keys rotate without making older histories unreadable.
 *
 * <p>From the environment, first match wins:
 *
 * <ul>
 *   <li>{@code AMBLE_CODEC_KEYS}: key files separated by commas, the current one first, the others
 *       decrypting only;
 *   <li>{@code AMBLE_CODEC_KEY_FILE}: one key file;
 *   <li>the local server's key ({@link #LOCAL_KEY}, created by {@code amble server}) if it exists
 *       under the working folder.
 * </ul>
 *
 * Keys come from files only: an environment variable holding a key would reach every process amble
 * starts (Ansible and what it runs).
 */
public record CodecKeys(CodecKey current, Map<String, CodecKey> byId, String source) {
  public static final String KEYS = "AMBLE_CODEC_KEYS";
  public static final String KEY_FILE = "AMBLE_CODEC_KEY_FILE";

  /** Where {@code amble server} keeps its key, relative to its data folder. */
  public static final String LOCAL_KEY_NAME = "codec.key";

  /** The local server's key under its default data folder, relative to the working folder. */
  public static final Path LOCAL_KEY = Path.of(".amble", "server", LOCAL_KEY_NAME);

  public CodecKeys {
    byId = Map.copyOf(byId);
  }

  /** The current key first, then keys that only decrypt. */
  public static CodecKeys of(String source, List<CodecKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(source + " names no key file");
    }
    Map<String, CodecKey> byId = new LinkedHashMap<>();
    for (CodecKey k : keys) {
      byId.putIfAbsent(k.id(), k);
    }
    return new CodecKeys(keys.get(0), byId, source);
  }

  /**
   * The keys the environment names, or none (payloads are not encrypted).
   *
   * @param workingFolder where a relative key file and the local server's key are found
   * @throws IllegalArgumentException when a setting is wrong or a key file is unreadable or holds
   *     no key; the message names the setting and the file
   */
  public static Optional<CodecKeys> fromEnvironment(Map<String, String> env, Path workingFolder) {
    Optional<String> keys = value(env, KEYS);
    Optional<String> keyFile = value(env, KEY_FILE);
    if (keys.isPresent() && keyFile.isPresent()) {
      throw new IllegalArgumentException(
          KEYS + " and " + KEY_FILE + " are both set: set one (" + KEYS + " for several keys)");
    }
    if (keys.isPresent()) {
      List<CodecKey> read = new ArrayList<>();
      for (String file : keys.get().split(",")) {
        if (!file.isBlank()) {
          read.add(CodecKey.read(workingFolder.resolve(file.strip())));
        }
      }
      return Optional.of(of(KEYS, read));
    }
    if (keyFile.isPresent()) {
      return Optional.of(
          of(KEY_FILE, List.of(CodecKey.read(workingFolder.resolve(keyFile.get().strip())))));
    }
    Path local = workingFolder.resolve(LOCAL_KEY);
    if (Files.isRegularFile(local)) {
      return Optional.of(of("the local server's key " + LOCAL_KEY, List.of(CodecKey.read(local))));
    }
    return Optional.empty();
  }

  public Optional<CodecKey> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }
}
