package dev.amble.ansible;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
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
    env.putAll(
        amblePlugins(
            ansible, runner.workerEnvironment(), configRead(folder, runner.workerEnvironment())));
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
   * ANSIBLE_ACTION_PLUGINS}, else {@code library} or {@code action_plugins} in the ansible.cfg
   * Ansible reads ({@code config}), else Ansible's default folders (under {@code ANSIBLE_HOME}).
   */
  static Map<String, String> amblePlugins(
      AnsibleInstallation ansible, Map<String, String> worker, Optional<Path> config) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ANSIBLE_CALLBACK_PLUGINS", ansible.callbackPlugins().toString());
    env.put("ANSIBLE_CALLBACKS_ENABLED", "amble_events");
    String home = worker.getOrDefault("ANSIBLE_HOME", "~/.ansible");
    env.put(
        "ANSIBLE_LIBRARY",
        pluginPath(
            ansible.library(),
            worker.get("ANSIBLE_LIBRARY"),
            config,
            "library",
            home + "/plugins/modules:/usr/share/ansible/plugins/modules"));
    env.put(
        "ANSIBLE_ACTION_PLUGINS",
        pluginPath(
            ansible.actionPlugins(),
            worker.get("ANSIBLE_ACTION_PLUGINS"),
            config,
            "action_plugins",
            home + "/plugins/action:/usr/share/ansible/plugins/action"));
    return env;
  }

  /**
   * The ansible.cfg Ansible reads for a run in {@code folder} once amble has set its environment:
   * the folder's own (amble names it in {@code ANSIBLE_CONFIG}), else the worker's {@code
   * ANSIBLE_CONFIG} (a file, or a folder holding one), else {@code ~/.ansible.cfg}, else {@code
   * /etc/ansible/ansible.cfg}.
   */
  static Optional<Path> configRead(Path folder, Map<String, String> worker) {
    List<Path> candidates = new ArrayList<>();
    candidates.add(folder.resolve("ansible.cfg"));
    String named = worker.get("ANSIBLE_CONFIG");
    if (named != null && !named.isBlank()) {
      Path path = Path.of(named);
      candidates.add(Files.isDirectory(path) ? path.resolve("ansible.cfg") : path);
    }
    candidates.add(Path.of(System.getProperty("user.home"), ".ansible.cfg"));
    candidates.add(Path.of("/etc/ansible/ansible.cfg"));
    return candidates.stream().filter(Files::isRegularFile).findFirst();
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
        boolean asIs =
            folder.startsWith("/")
                || folder.startsWith("~")
                || folder.startsWith("$")
                || folder.startsWith("{{");
        path.append(':').append(asIs ? folder : base.resolve(folder).normalize().toString());
      }
    }
    return path.toString();
  }

  /**
   * The value of {@code key} in the ansible.cfg at {@code config}, read as Ansible's configparser
   * reads it: in section {@code [defaults]}, else {@code [DEFAULT]}; {@code =} or {@code :} between
   * name and value, names in any case; whole-line comments ({@code #}, {@code ;}) and inline ones
   * after white space ({@code ;}).
   */
  static Optional<String> setting(Path config, String key) {
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    String section = "";
    Optional<String> inDefaults = Optional.empty();
    Optional<String> inDefault = Optional.empty();
    try {
      for (String line : Files.readAllLines(config)) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
          continue;
        }
        if (t.startsWith("[") && t.endsWith("]")) {
          section = t.substring(1, t.length() - 1).strip();
          continue;
        }
        if (Character.isWhitespace(line.charAt(0))) {
          continue; // a continuation line: not a setting of its own
        }
        Matcher m = SETTING.matcher(t);
        if (!m.matches() || !m.group(1).strip().equalsIgnoreCase(key)) {
          continue;
        }
        Optional<String> value =
            Optional.of(INLINE_COMMENT.matcher(m.group(2)).replaceFirst("").strip())
                .filter(v -> !v.isEmpty());
        if (section.equals("defaults")) {
          inDefaults = value;
        } else if (section.equals("DEFAULT")) {
          inDefault = value;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + config, e);
    }
    return inDefaults.isPresent() ? inDefaults : inDefault;
  }

  private static final Pattern SETTING = Pattern.compile("([^=:]+)[=:](.*)");
  private static final Pattern INLINE_COMMENT = Pattern.compile("\\s;.*$");
}
