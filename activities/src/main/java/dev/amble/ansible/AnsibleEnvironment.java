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
    env.putAll(amblePlugins(ansible));
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

  /** amble's callback plugin, enabled, and its module amble_lock on Ansible's module path. */
  static Map<String, String> amblePlugins(AnsibleInstallation ansible) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ANSIBLE_CALLBACK_PLUGINS", ansible.callbackPlugins().toString());
    env.put("ANSIBLE_CALLBACKS_ENABLED", "amble_events");
    // amble's module amble_lock first, then Ansible's default module folders.
    env.put(
        "ANSIBLE_LIBRARY",
        ansible.library() + ":~/.ansible/plugins/modules:/usr/share/ansible/plugins/modules");
    return env;
  }
}
