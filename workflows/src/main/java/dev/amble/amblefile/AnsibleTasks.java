package dev.amble.amblefile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import java.util.Optional;

/** A list of Ansible tasks in an Amblefile (a job's, a health check's), passed on as written. */
final class AnsibleTasks {
  private AnsibleTasks() {}

  /**
   * The tasks at {@code key}, each of which must be a map; an empty list is the problem {@code
   * ifEmpty}, and empty.
   */
  static Optional<ArrayNode> read(Fields f, String key, String ifEmpty) {
    Optional<YamlList> list = f.items(key, ifEmpty);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    for (int i = 0; i < list.get().items().size(); i++) {
      YamlNode task = list.get().items().get(i);
      if (!(task instanceof YamlMap)) {
        f.problems()
            .add(
                task.position(),
                KeyPath.item(f.path(key), i),
                "an Ansible task must be a map, got " + task.describe());
      }
    }
    return Optional.of(list.get().toJson());
  }
}
