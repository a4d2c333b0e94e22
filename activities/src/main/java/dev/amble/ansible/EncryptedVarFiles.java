package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The values in vault-encrypted {@code group_vars} and {@code host_vars} files (the ones {@code
 * ansible-vault encrypt} wrote whole). {@code ansible-inventory} prints their vars decrypted and
 * unmarked, so amble finds the files themselves (beside the inventory sources and in the
 * Amblefile's folder, where Ansible looks) to know which values to keep out of what it reports.
 */
final class EncryptedVarFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final byte[] HEADER = "$ANSIBLE_VAULT".getBytes(StandardCharsets.US_ASCII);

  private EncryptedVarFiles() {}

  /** Every string and number in those files, as text. */
  static Set<String> values(Optional<String> inventory, Path folder, VaultPassword password) {
    Set<Path> roots = new LinkedHashSet<>();
    roots.add(folder);
    inventory.ifPresent(
        sources -> {
          for (String source : sources.split(",")) {
            Path p = folder.resolve(source.strip()).normalize();
            if (Files.isDirectory(p)) {
              roots.add(p);
            } else if (Files.isRegularFile(p) && p.getParent() != null) {
              roots.add(p.getParent());
            }
          }
        });
    Set<String> values = new HashSet<>();
    for (Path root : roots) {
      for (String kind : new String[] {"group_vars", "host_vars"}) {
        Path vars = root.resolve(kind);
        if (!Files.isDirectory(vars)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(vars)) {
          files.filter(Files::isRegularFile).forEach(f -> read(f, password, values));
        } catch (IOException | java.io.UncheckedIOException e) {
          // Unreadable: Ansible reports it itself when it reads the inventory.
        }
      }
    }
    return values;
  }

  private static void read(Path file, VaultPassword password, Set<String> values) {
    try {
      byte[] head;
      try (InputStream in = Files.newInputStream(file)) {
        head = in.readNBytes(HEADER.length);
      }
      if (!Arrays.equals(head, HEADER)) {
        return;
      }
      password
          .decrypt(Files.readString(file, StandardCharsets.UTF_8))
          .ifPresent(
              plain -> {
                try {
                  scalars(YAML.readTree(plain), values);
                } catch (IOException e) {
                  // Not YAML that amble reads: Ansible reports it.
                }
              });
    } catch (IOException e) {
      // As above.
    }
  }

  private static void scalars(JsonNode node, Set<String> into) {
    if (node == null) {
      return;
    }
    if (node.isContainerNode()) {
      node.forEach(child -> scalars(child, into));
    } else if ((node.isTextual() || node.isNumber()) && !node.asText().isEmpty()) {
      into.add(node.asText());
    }
  }
}
