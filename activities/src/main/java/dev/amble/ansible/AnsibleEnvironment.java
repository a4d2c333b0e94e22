package dev.amble.ansible;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Ansible settings amble gives every Ansible process of a workspace, as environment variables
 * (which Ansible ranks above ansible.cfg): the workspace's fact store (see FactStoreSettings),
 * amble's callback plugin, no retry files, no colour, an unparseable inventory as an error, and
 * pipelining unless the operator chose (see {@link #PIPELINING}). The Amblefile folder's
 * ansible.cfg is used for everything else.
 */
public final class AnsibleEnvironment {
  /**
   * Pipelining is on by default, as Ansible's docs recommend for speed (each module runs without
   * copying files to the host first: fewer SSH round trips per task). It needs sudo without {@code
   * requiretty} on hosts where become uses sudo; an operator turns it off with {@code pipelining =
   * False} in ansible.cfg ([connection] or [defaults]) or {@code ANSIBLE_PIPELINING=False} in the
   * worker's environment, both of which amble leaves as they are.
   */
  static final String PIPELINING = "ANSIBLE_PIPELINING";

  private static final Pattern PIPELINING_IN_CONFIG =
      Pattern.compile("(?im)^\\s*pipelining\\s*[=:]");

  private AnsibleEnvironment() {}

  public static Map<String, String> forWorkspace(
      ProcessRunner runner, Path folder, WorkspaceDir dir, Optional<Path> events) {
    AnsibleInstallation ansible = runner.ansible();
    Map<String, String> env = new LinkedHashMap<>();
    Path config = folder.resolve("ansible.cfg");
    if (Files.isRegularFile(config)) {
      env.put("ANSIBLE_CONFIG", config.toString());
    }
    env.putAll(FactStoreSettings.of(dir.store(), dir.facts(), runner.workerEnvironment()));
    env.put("ANSIBLE_RETRY_FILES_ENABLED", "False");
    // An inventory that cannot be parsed at all is an error, not an empty inventory ("no hosts
    // match") or a host "not in the play".
    env.put("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True");
    env.put("ANSIBLE_NOCOLOR", "1");
    env.put("ANSIBLE_FORCE_COLOR", "0");
    if (!runner.workerEnvironment().containsKey(PIPELINING)
        && !runner.workerEnvironment().containsKey("ANSIBLE_SSH_PIPELINING")
        && !setsPipelining(config)) {
      env.put(PIPELINING, "True");
    }
    env.putAll(amblePlugins(ansible, runner.workerEnvironment(), Optional.of(config)));
    events.ifPresent(e -> env.put("AMBLE_EVENTS_FILE", e.toString()));
    return env;
  }

  /** Whether the ansible.cfg at {@code config}, if any, sets pipelining itself. */
  static boolean setsPipelining(Path config) {
    if (!Files.isRegularFile(config)) {
      return false;
    }
    try {
      return PIPELINING_IN_CONFIG.matcher(Files.readString(config)).find();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + config, e);
    }
  }

  /**
   * amble's callback plugin, enabled, its module amble_lock on Ansible's module path, and the
   * module's action plugin on Ansible's action plugin path (before Ansible's default folders, as
   * the module).
   */
  static Map<String, String> amblePlugins(AnsibleInstallation ansible) {
    return amblePlugins(ansible, Map.of(), Optional.empty());
  }

  /**
   * amble's plugins, with amble's folders first on the module and action plugin paths and then what
   * the operator chose for them: the worker's {@code ANSIBLE_LIBRARY} or {@code
   * ANSIBLE_ACTION_PLUGINS}, else {@code library} or {@code action_plugins} in {@code config} (the
   * Amblefile folder's ansible.cfg), else Ansible's default folders.
   */
  static Map<String, String> amblePlugins(
      AnsibleInstallation ansible, Map<String, String> worker, Optional<Path> config) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ANSIBLE_CALLBACK_PLUGINS", ansible.callbackPlugins().toString());
    env.put("ANSIBLE_CALLBACKS_ENABLED", "amble_events");
    env.put(
        "ANSIBLE_LIBRARY",
        pluginPath(
            ansible.library(),
            worker.get("ANSIBLE_LIBRARY"),
            config,
            "library",
            "~/.ansible/plugins/modules:/usr/share/ansible/plugins/modules"));
    env.put(
        "ANSIBLE_ACTION_PLUGINS",
        pluginPath(
            ansible.actionPlugins(),
            worker.get("ANSIBLE_ACTION_PLUGINS"),
            config,
            "action_plugins",
            "~/.ansible/plugins/action:/usr/share/ansible/plugins/action"));
    return env;
  }

  /**
   * {@code ambles}, then the worker's setting, else the setting {@code key} of {@code config}
   * (relative folders resolved against the file's folder, as Ansible resolves them), else {@code
   * defaults}.
   */
  static String pluginPath(
      Path ambles, String fromWorker, Optional<Path> config, String key, String defaults) {
    if (fromWorker != null && !fromWorker.isBlank()) {
      return ambles + ":" + fromWorker;
    }
    Optional<String> fromConfig = config.flatMap(c -> setting(c, key));
    if (fromConfig.isEmpty()) {
      return ambles + ":" + defaults;
    }
    Path base = config.get().toAbsolutePath().getParent();
    StringBuilder path = new StringBuilder(ambles.toString());
    for (String entry : fromConfig.get().split(":")) {
      String folder = entry.strip();
      if (!folder.isEmpty()) {
        path.append(':')
            .append(
                folder.startsWith("/") || folder.startsWith("~") || folder.startsWith("$")
                    ? folder
                    : base.resolve(folder).normalize().toString());
      }
    }
    return path.toString();
  }

  /** The value of {@code key} in the {@code [defaults]} section of the ansible.cfg at config. */
  static Optional<String> setting(Path config, String key) {
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    String section = "";
    try {
      for (String line : Files.readAllLines(config)) {
        String t = line.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
          section = t.substring(1, t.length() - 1).strip().toLowerCase(java.util.Locale.ROOT);
        } else if (section.equals("defaults") && !t.startsWith("#") && !t.startsWith(";")) {
          int eq = t.indexOf('=');
          if (eq > 0 && t.substring(0, eq).strip().equalsIgnoreCase(key)) {
            return Optional.of(t.substring(eq + 1).strip()).filter(v -> !v.isEmpty());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + config, e);
    }
    return Optional.empty();
  }
}
