package dev.amble.ansible;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Ansible settings amble gives every Ansible process of a workspace, as environment variables
 * (which Ansible ranks above ansible.cfg): the workspace's fact store (see FactStoreSettings),
 * amble's callback plugin, no retry files, no colour, and an unparseable inventory as an error. The
 * Amblefile folder's ansible.cfg is used for everything else.
 */
public final class AnsibleEnvironment {
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
    env.putAll(amblePlugins(ansible));
    events.ifPresent(e -> env.put("AMBLE_EVENTS_FILE", e.toString()));
    return env;
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
