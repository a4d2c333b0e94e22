package dev.amble.ansible;

import dev.amble.facts.FactStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Ansible settings (environment variables, which Ansible ranks above ansible.cfg) that point
 * Ansible's fact cache at a {@link FactStore}: every Ansible process of a workspace, and amble's
 * {@link FactReader}, get the same ones, so they read and write one store.
 *
 * <ul>
 *   <li>{@code jsonfile}: Ansible's jsonfile plugin in the folder given (the workspace's), no
 *       prefix ({@link FactCache} reads those files by host name).
 *   <li>{@code redis://HOST:PORT/DB}: {@code community.general.redis} with the connection {@code
 *       HOST:PORT:DB}, without the password. The password ({@value FactStore#PASSWORD_VARIABLE} in
 *       the worker's environment) never enters Ansible's environment, which every task and module
 *       Ansible starts on the worker inherits: {@link ProcessRunner} hands it to the launcher on
 *       its stdin, and amble_cache_password.py gives it to the plugin inside Ansible's process
 *       ({@code _uri}, a direct option). Only amble's fact reader, which runs no task, gets the
 *       whole connection in its environment ({@link #withPassword}).
 * </ul>
 *
 * <p>Facts never expire ({@code timeout 0}): amble refreshes them itself (init, and the end of each
 * host's walk), and a plan must not find a host's facts gone because a rollout was caught over a
 * weekend.
 *
 * <p>The Redis keys are Ansible's own defaults, named explicitly so that an ansible.cfg cannot make
 * the CLI and a worker disagree: prefix {@value #REDIS_PREFIX} and key set {@value #REDIS_KEY_SET};
 * no sentinel. They hold one entry per host, not per workspace or project. Facts describe a host,
 * not what a workspace does to it, and Ansible keys them by host: so a refresh by one workspace's
 * walk is what the next plan of another sees, an operator's own Ansible pointed at the same Redis
 * shares them, and a fleet of 100,000 hosts costs its 2 to 6 GB of Redis memory once, not once per
 * workspace. Stores are told apart by the URL: workspaces (or projects) whose host names mean
 * different machines name different databases. (A prefix per workspace would also need a key set
 * per workspace: the plugin's key set is not prefixed, and its get of a missing key removes that
 * host from the key set, which other workspaces share.)
 */
public final class FactStoreSettings {
  static final String REDIS_PLUGIN = "community.general.redis";
  static final String REDIS_PREFIX = "ansible_facts";
  static final String REDIS_KEY_SET = "ansible_cache_keys";

  private FactStoreSettings() {}

  /**
   * The variables for {@code store}; {@code jsonfileFolder} is the cache folder when it is {@code
   * jsonfile}, and {@code environment} the process's own (for {@value
   * FactStore#PASSWORD_VARIABLE}).
   */
  public static Map<String, String> of(
      FactStore store, Path jsonfileFolder, Map<String, String> environment) {
    password(environment); // a password the plugin cannot take is an error here, at once
    Map<String, String> env = new LinkedHashMap<>();
    if (store instanceof FactStore.Redis redis) {
      env.put("ANSIBLE_CACHE_PLUGIN", REDIS_PLUGIN);
      env.put("ANSIBLE_CACHE_PLUGIN_CONNECTION", connection(redis));
      env.put("ANSIBLE_CACHE_PLUGIN_TIMEOUT", "0");
      env.put("ANSIBLE_CACHE_PLUGIN_PREFIX", REDIS_PREFIX);
      env.put("ANSIBLE_CACHE_REDIS_KEYSET_NAME", REDIS_KEY_SET);
      // Empty, so that a sentinel name in a worker's environment cannot turn the connection
      // above into a sentinel list on that worker only.
      env.put("ANSIBLE_CACHE_REDIS_SENTINEL", "");
    } else {
      env.put("ANSIBLE_CACHE_PLUGIN", "jsonfile");
      env.put("ANSIBLE_CACHE_PLUGIN_CONNECTION", jsonfileFolder.toString());
      env.put("ANSIBLE_CACHE_PLUGIN_TIMEOUT", "0");
      env.put("ANSIBLE_CACHE_PLUGIN_PREFIX", "");
    }
    return env;
  }

  /** {@code HOST:PORT:DB}, the plugin's connection string without its password. */
  static String connection(FactStore.Redis redis) {
    return redis.host() + ":" + redis.port() + ":" + redis.db();
  }

  /** Whether {@code settings} (an Ansible process's environment) use the Redis plugin. */
  static boolean usesRedis(Map<String, String> settings) {
    return REDIS_PLUGIN.equals(settings.get("ANSIBLE_CACHE_PLUGIN"));
  }

  /** The Redis password in {@code environment} (the worker's), if one is set. */
  static Optional<String> password(Map<String, String> environment) {
    String password = environment.getOrDefault(FactStore.PASSWORD_VARIABLE, "");
    if (password.contains("\n") || password.contains("\r")) {
      // The plugin reads the connection with a regular expression whose '.' stops at a newline.
      throw new IllegalArgumentException(
          FactStore.PASSWORD_VARIABLE
              + " holds a line break, which Ansible's redis plugin cannot"
              + " take");
    }
    return password.isEmpty() ? Optional.empty() : Optional.of(password);
  }

  /**
   * {@code settings} with the whole connection, {@code HOST:PORT:DB:PASSWORD}, when they use Redis
   * and {@code environment} has a password: for amble's fact reader only, which runs no task.
   */
  static Map<String, String> withPassword(
      Map<String, String> settings, Map<String, String> environment) {
    Optional<String> password = password(environment);
    if (!usesRedis(settings) || password.isEmpty()) {
      return settings;
    }
    Map<String, String> env = new LinkedHashMap<>(settings);
    env.computeIfPresent("ANSIBLE_CACHE_PLUGIN_CONNECTION", (k, v) -> v + ":" + password.get());
    return env;
  }
}
