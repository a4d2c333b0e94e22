package dev.amble.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's simulated fleet, the same in the bench and in its workers: host names (60
 * characters each), which hosts fail or are unreachable (decided by the host's index, so known in
 * advance), and the ledger the simulated executor appends to outside Temporal.
 */
final class SimFleet {
  /** What the simulated executor makes of a host. */
  enum Fate {
    OK,
    FAILED,
    UNREACHABLE
  }

  static final int NAME_LENGTH = 60;

  final int hosts;
  final double failShare;
  final double unreachableShare;

  SimFleet(int hosts, double failShare, double unreachableShare) {
    this.hosts = hosts;
    this.failShare = failShare;
    this.unreachableShare = unreachableShare;
  }

  /** Host {@code i}'s name: 60 characters, ascending with {@code i}. */
  static String name(int i) {
    String head = String.format("host%06d.rack%02d.", i, i % 40); // 18 characters
    String name = head + "eu-west-3.benchfleet-1.compute.example.net"; // + 42
    if (name.length() != NAME_LENGTH) {
      throw new IllegalStateException("host name of " + name.length() + " characters: " + name);
    }
    return name;
  }

  static int index(String name) {
    return Integer.parseInt(name.substring(4, 10));
  }

  List<String> names() {
    List<String> all = new ArrayList<>(hosts);
    for (int i = 0; i < hosts; i++) {
      all.add(name(i));
    }
    return all;
  }

  /** A fixed, well-spread draw in [0, 1) for host {@code i}. */
  static double draw(int i) {
    long x = (i + 1) * 0x9E3779B97F4A7C15L;
    x ^= x >>> 31;
    x *= 0xBF58476D1CE4E5B9L;
    x ^= x >>> 29;
    return (x >>> 11) / (double) (1L << 53);
  }

  Fate fate(int i) {
    double u = draw(i);
    if (u < unreachableShare) {
      return Fate.UNREACHABLE;
    }
    if (u < unreachableShare + failShare) {
      return Fate.FAILED;
    }
    return Fate.OK;
  }

  Fate fate(String host) {
    return fate(index(host));
  }

  /** The step the host's walk ends with in the ledger. */
  static String lastStep(Fate f) {
    return switch (f) {
      case OK -> "finish";
      case FAILED -> "job";
      case UNREACHABLE -> "prepare";
    };
  }

  /**
   * A failure reason of about 300 characters, as Ansible's one-line message of a failed apt run.
   */
  static String failureMessage(String host) {
    String m =
        "E: Sub-process /usr/bin/dpkg returned an error code (1): dpkg: error processing package"
            + " linux-image-6.1.0-28-amd64 (--configure): installed linux-image-6.1.0-28-amd64 package"
            + " post-installation script subprocess returned error exit status 1; update-initramfs:"
            + " failed for /boot/initrd.img-6.1.0-28-amd64 on "
            + host
            + " with exit 1 (no space left on device)";
    while (m.length() < 300) {
      m += ".";
    }
    return m;
  }

  /** An append-only file, one line per call of the simulated executor: host, step, worker pid. */
  static final class Ledger implements AutoCloseable {
    private final FileOutputStream out;
    private final String pid = Long.toString(ProcessHandle.current().pid());

    Ledger(Path file) {
      try {
        out = new FileOutputStream(file.toFile(), true);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * One write(2) of one line to a file opened with O_APPEND: whole, and kept if this JVM dies.
     */
    void record(String host, String step) {
      byte[] line = (host + "\t" + step + "\t" + pid + "\n").getBytes(StandardCharsets.UTF_8);
      try {
        synchronized (this) {
          out.write(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
