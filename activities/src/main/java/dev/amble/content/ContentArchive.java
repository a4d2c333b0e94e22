package dev.amble.content;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import com.google.common.hash.HashingOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The Amblefile's folder packed as one archive: every regular file (with its executable bit), every
 * directory, and every symbolic link that stays inside the folder, in path order, with no times or
 * owners, so that the same content always packs to the same bytes and the same digest (SHA-256 of
 * the uncompressed stream). Left out, with a note: {@code .git}, amble's own files ({@code
 * .amble*}), and special files (sockets, pipes, devices). Refused: symbolic links leading out of
 * the folder, and content larger than {@link #MAX_BYTES} packed.
 *
 * <p>A plain format of amble's own rather than tar or zip: Java's zip keeps no executable bit, and
 * tar would bring owners, times and a dependency for nothing amble needs.
 */
public final class ContentArchive {
  /** The most a packed folder may weigh, compressed: 16 MiB (16 pieces in Temporal). */
  public static final long MAX_BYTES = 16L * 1024 * 1024;

  private static final String MAGIC = "amble-content-1";
  private static final byte FILE = 'F';
  private static final byte DIRECTORY = 'D';
  private static final byte LINK = 'L';
  private static final byte END = 'E';

  /**
   * A packed folder.
   *
   * @param left what was left out, one line each ({@code PATH: why})
   */
  public record Packed(byte[] bytes, String digest, int files, List<String> left) {}

  private ContentArchive() {}

  private sealed interface Entry {
    String path();
  }

  private record FileEntry(String path, Path source, boolean executable) implements Entry {}

  private record DirectoryEntry(String path) implements Entry {}

  private record LinkEntry(String path, String target) implements Entry {}

  /** Packs {@code folder}; refuses (ContentException) what cannot travel. */
  public static Packed pack(Path folder) {
    Path root;
    try {
      root = folder.toRealPath();
    } catch (IOException e) {
      throw new ContentException("cannot read the folder " + folder + ": " + e.getMessage(), e);
    }
    TreeMap<String, Entry> entries = new TreeMap<>();
    List<String> left = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (dir.equals(root)) {
                return FileVisitResult.CONTINUE;
              }
              String name = dir.getFileName().toString();
              if (name.equals(".git") || name.startsWith(".amble")) {
                left.add(relative(root, dir) + "/: " + why(name));
                return FileVisitResult.SKIP_SUBTREE;
              }
              entries.put(relative(root, dir), new DirectoryEntry(relative(root, dir)));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String path = relative(root, file);
              String name = file.getFileName().toString();
              if (name.equals(".git") || name.startsWith(".amble")) {
                left.add(path + ": " + why(name));
              } else if (attrs.isSymbolicLink()) {
                link(root, file, path, entries, left, refused);
              } else if (attrs.isRegularFile()) {
                entries.put(path, new FileEntry(path, file, Files.isExecutable(file)));
              } else {
                left.add(
                    path + ": not a regular file, directory or link (a socket, pipe or device)");
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              refused.add(relative(root, file) + ": cannot be read (" + e.getMessage() + ")");
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new ContentException("cannot read the folder " + root + ": " + e.getMessage(), e);
    }
    if (!refused.isEmpty()) {
      throw new ContentException(
          "the Ansible content in "
              + root
              + " cannot go to the workers:\n  "
              + String.join("\n  ", refused));
    }
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    HashingOutputStream hashed;
    int files = 0;
    try (GZIPOutputStream gzip = new GZIPOutputStream(packed)) {
      hashed = new HashingOutputStream(Hashing.sha256(), gzip);
      DataOutputStream out = new DataOutputStream(hashed);
      out.writeUTF(MAGIC);
      for (Entry entry : entries.values()) {
        if (entry instanceof FileEntry f) {
          out.writeByte(FILE);
          out.writeUTF(f.path());
          out.writeBoolean(f.executable());
          long size = Files.size(f.source());
          out.writeLong(size);
          // Exactly the bytes it had when measured: a file that grows meanwhile (a log being
          // written) is taken as it was; one that shrank is refused.
          try (InputStream in = Files.newInputStream(f.source(), LinkOption.NOFOLLOW_LINKS)) {
            copy(new DataInputStream(in), out, size, f.path());
          }
          files++;
        } else if (entry instanceof DirectoryEntry d) {
          out.writeByte(DIRECTORY);
          out.writeUTF(d.path());
        } else if (entry instanceof LinkEntry l) {
          out.writeByte(LINK);
          out.writeUTF(l.path());
          out.writeUTF(l.target());
        }
        if (packed.size() > MAX_BYTES) {
          throw tooLarge(root, entries);
        }
      }
      out.writeByte(END);
      out.flush();
    } catch (IOException e) {
      throw new ContentException("cannot pack " + root + ": " + e.getMessage(), e);
    }
    if (packed.size() > MAX_BYTES) {
      throw tooLarge(root, entries);
    }
    return new Packed(packed.toByteArray(), "sha256:" + hashed.hash(), files, List.copyOf(left));
  }

  private static String why(String name) {
    return name.equals(".git")
        ? "left out (git's own data; the commit is recorded instead)"
        : "left out (amble's own state and rendered playbooks)";
  }

  private static void link(
      Path root,
      Path file,
      String path,
      TreeMap<String, Entry> entries,
      List<String> left,
      List<String> refused)
      throws IOException {
    Path target = Files.readSymbolicLink(file);
    Path resolved = file.getParent().resolve(target).normalize();
    Path real;
    try {
      real = resolved.toRealPath();
    } catch (IOException dangling) {
      left.add(path + ": a link to " + target + ", which does not exist");
      return;
    }
    if (!real.startsWith(root) || !resolved.startsWith(root)) {
      refused.add(
          path
              + ": a link to "
              + target
              + ", outside the folder; workers would not have it: copy what it points to into"
              + " the folder");
      return;
    }
    entries.put(path, new LinkEntry(path, file.getParent().relativize(resolved).toString()));
  }

  private static ContentException tooLarge(Path root, TreeMap<String, Entry> entries) {
    List<FileEntry> files = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e instanceof FileEntry f) {
        files.add(f);
      }
    }
    files.sort(Comparator.comparingLong((FileEntry f) -> size(f.source())).reversed());
    StringBuilder largest = new StringBuilder();
    for (FileEntry f : files.subList(0, Math.min(5, files.size()))) {
      largest.append("\n  ").append(f.path()).append(": ").append(size(f.source())).append(" B");
    }
    return new ContentException(
        "the Ansible content in "
            + root
            + " is more than "
            + (MAX_BYTES >> 20)
            + " MiB compressed, the most a rollout carries; the largest files:"
            + largest
            + "\nkeep large artifacts out of the Amblefile's folder (download them in a task)");
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString();
  }

  /**
   * Unpacks into {@code target} (which must not exist yet) and checks the digest; a mismatch, a
   * path that climbs out, or a link that leads out is refused.
   */
  public static void unpack(byte[] bytes, String digest, Path target) {
    try {
      Files.createDirectories(target);
      Path root = target.toRealPath();
      HashingInputStream hashing =
          new HashingInputStream(
              Hashing.sha256(), new GZIPInputStream(new ByteArrayInputStream(bytes)));
      DataInputStream in = new DataInputStream(hashing);
      if (!MAGIC.equals(in.readUTF())) {
        throw new ContentException("not amble content (unknown format)");
      }
      while (true) {
        byte kind = in.readByte();
        if (kind == END) {
          break;
        }
        String path = in.readUTF();
        Path p = inside(root, path);
        switch (kind) {
          case FILE -> {
            boolean executable = in.readBoolean();
            long length = in.readLong();
            Files.createDirectories(p.getParent());
            try (OutputStream out = Files.newOutputStream(p)) {
              copy(in, out, length, path);
            }
            Files.setPosixFilePermissions(p, executable ? EXECUTABLE : READABLE);
          }
          case DIRECTORY -> Files.createDirectories(p);
          case LINK -> {
            String linkTarget = in.readUTF();
            inside(root, root.relativize(p.getParent().resolve(linkTarget).normalize()).toString());
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(linkTarget));
          }
          default -> throw new ContentException("not amble content (entry kind " + kind + ")");
        }
      }
      String found = "sha256:" + hashing.hash();
      if (!found.equals(digest)) {
        throw new ContentException(
            "content " + digest + " arrived damaged (its digest is " + found + ")");
      }
    } catch (EOFException e) {
      throw new ContentException("content " + digest + " arrived cut short", e);
    } catch (IOException e) {
      throw new UncheckedIOException("unpacking content " + digest + " into " + target, e);
    }
  }

  private static final Set<PosixFilePermission> EXECUTABLE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> READABLE =
      PosixFilePermissions.fromString("rw-r--r--");

  private static Path inside(Path root, String path) {
    Path p = root.resolve(path).normalize();
    if (path.isEmpty() || Path.of(path).isAbsolute() || !p.startsWith(root) || p.equals(root)) {
      throw new ContentException("not amble content: the path " + path + " leads out");
    }
    return p;
  }

  private static void copy(DataInputStream in, OutputStream out, long length, String path)
      throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException(path + " is shorter than it was");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  /**
   * The git commit of {@code folder}, with {@code +dirty} for uncommitted changes; empty if none.
   */
  public static Optional<String> gitCommit(Path folder) {
    Optional<String> head = git(folder, "rev-parse", "HEAD").map(String::strip);
    if (head.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> changes = git(folder, "status", "--porcelain", "--", ".");
    boolean dirty =
        changes.stream()
            .flatMap(String::lines)
            .filter(line -> line.length() > 3)
            // amble's own files are not content, whether or not .gitignore says so
            .anyMatch(
                line ->
                    !java.util.Arrays.stream(line.substring(3).split("/"))
                        .anyMatch(s -> s.startsWith(".amble") || s.startsWith("\".amble")));
    return Optional.of(head.get() + (dirty ? "+dirty" : ""));
  }

  private static Optional<String> git(Path folder, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", folder.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      p.getErrorStream().readAllBytes();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return Optional.of(new String(out, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
