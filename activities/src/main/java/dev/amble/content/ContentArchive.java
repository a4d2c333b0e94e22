package dev.amble.content;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * The Amblefile's folder packed as one archive: every regular file (with its permission bits),
 * every directory, and every symbolic link that stays inside the folder, in path order, with no
 * times or owners, so that the same content always packs to the same bytes and the same digest
 * (SHA-256 of the uncompressed stream). Left out, with a note: {@code .git}, amble's own files
 * ({@code .amble*}), special files (sockets, pipes, devices), what git ignores and what {@code
 * .ambleignore} names (see {@link ContentIgnore}). Refused: symbolic links leading out of the
 * folder, content larger than {@link #MAX_BYTES} packed, and content beyond the limits workers
 * unpack ({@link #MAX_UNPACKED_BYTES}, {@link #MAX_ENTRIES}, {@link #MAX_DEPTH}).
 *
 * <p>Two formats: {@code amble-content-2} (written now) keeps each file's permission bits; {@code
 * amble-content-1} (written before) kept its executable bit only and still unpacks, its digest
 * unchanged (the digest is of the bytes as they were packed). Unpacking checks everything before it
 * writes anything (see {@link ContentUnpacker}).
 *
 * <p>A plain format of amble's own rather than tar or zip: Java's zip keeps no executable bit, and
 * tar would bring owners, times and a dependency for nothing amble needs.
 */
public final class ContentArchive {
  /** The most a packed folder may weigh, compressed: 16 MiB (16 pieces in Temporal). */
  public static final long MAX_BYTES = 16L * 1024 * 1024;

  /** The most a packed folder may unpack to: its files' sizes added up, 1 GiB. */
  public static final long MAX_UNPACKED_BYTES = 1L << 30;

  /** The most files, folders and links a packed folder may hold: 100,000. */
  public static final int MAX_ENTRIES = 100_000;

  /** The most names in one path of a packed folder: 64. */
  public static final int MAX_DEPTH = 64;

  private static final String MAGIC_1 = "amble-content-1";
  private static final String MAGIC = "amble-content-2";
  static final byte FILE = 'F';
  static final byte DIRECTORY = 'D';
  static final byte LINK = 'L';
  static final byte END = 'E';

  /**
   * A packed folder.
   *
   * @param left what was left out, one line each ({@code PATH: why}), besides {@code ignored}
   * @param ignored the paths left out because git ignores them or {@code .ambleignore} names them
   *     ({@code PATH/} for a folder)
   */
  public record Packed(
      byte[] bytes, String digest, int files, List<String> left, List<String> ignored) {
    public Packed(byte[] bytes, String digest, int files, List<String> left) {
      this(bytes, digest, files, left, List.of());
    }
  }

  /** The format of an archive that starts with {@code magic}: 1 or 2. */
  static int version(String magic) {
    return switch (magic) {
      case MAGIC_1 -> 1;
      case MAGIC -> 2;
      default -> throw new ContentException("not amble content (unknown format)");
    };
  }

  private ContentArchive() {}

  private sealed interface Entry {
    String path();
  }

  private record FileEntry(String path, Path source, int mode) implements Entry {}

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
    List<String> ignored = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    ContentIgnore ignore = ContentIgnore.of(root);
    ignore.note().ifPresent(left::add);
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (dir.equals(root)) {
                return FileVisitResult.CONTINUE;
              }
              String path = relative(root, dir);
              String name = dir.getFileName().toString();
              if (name.equals(".git") || name.startsWith(".amble")) {
                left.add(path + "/: " + why(name));
                return FileVisitResult.SKIP_SUBTREE;
              }
              if (ignore.why(path, true).isPresent()) {
                ignored.add(path + "/");
                return FileVisitResult.SKIP_SUBTREE;
              }
              deep(path, refused);
              entries.put(path, new DirectoryEntry(path));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String path = relative(root, file);
              String name = file.getFileName().toString();
              if (name.equals(ContentIgnore.FILE)) {
                return FileVisitResult.CONTINUE; // amble's own, said nothing of
              } else if (name.equals(".git") || name.startsWith(".amble")) {
                left.add(path + ": " + why(name));
              } else if (ignore.why(path, false).isPresent()) {
                ignored.add(path);
              } else if (attrs.isSymbolicLink()) {
                deep(path, refused);
                link(root, file, path, entries, left, refused);
              } else if (attrs.isRegularFile()) {
                deep(path, refused);
                entries.put(path, new FileEntry(path, file, mode(file)));
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
    // A link to what is left out would arrive leading nowhere: it stays out too.
    entries
        .values()
        .removeIf(
            e -> {
              if (e instanceof LinkEntry l && !packed(entries, l)) {
                left.add(l.path() + ": a link to " + l.target() + ", which is left out");
                return true;
              }
              return false;
            });
    if (entries.size() > MAX_ENTRIES) {
      refused.add(
          entries.size()
              + " files, folders and links: more than "
              + MAX_ENTRIES
              + ", the most workers unpack (ContentArchive.MAX_ENTRIES)");
    }
    long total = 0;
    for (Entry e : entries.values()) {
      total += e instanceof FileEntry f ? size(f.source()) : 0;
    }
    if (total > MAX_UNPACKED_BYTES) {
      refused.add(
          (total >> 20)
              + " MiB of files: more than "
              + (MAX_UNPACKED_BYTES >> 20)
              + " MiB, the most workers unpack (ContentArchive.MAX_UNPACKED_BYTES)");
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
          out.writeShort(f.mode());
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
    Packed result =
        new Packed(
            packed.toByteArray(),
            "sha256:" + hashed.hash(),
            files,
            List.copyOf(left),
            List.copyOf(ignored));
    // What workers would refuse is refused here, before anything starts.
    ContentUnpacker.check(result.bytes(), result.digest(), ContentUnpacker.Limits.DEFAULT);
    return result;
  }

  private static void deep(String path, List<String> refused) {
    if (path.split("/").length > MAX_DEPTH) {
      refused.add(
          path
              + ": deeper than "
              + MAX_DEPTH
              + " folders, the most workers unpack (ContentArchive.MAX_DEPTH)");
    }
  }

  /** The permission bits of {@code file}: never setuid, setgid or sticky. */
  private static int mode(Path file) throws IOException {
    try {
      int mode = 0;
      for (PosixFilePermission p : Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)) {
        mode |= 0400 >> p.ordinal();
      }
      return mode;
    } catch (UnsupportedOperationException notPosix) {
      return Files.isExecutable(file) ? 0755 : 0644;
    }
  }

  /** Whether the link leads to a packed file or folder (or the folder itself). */
  private static boolean packed(TreeMap<String, Entry> entries, LinkEntry link) {
    String[] names = link.path().split("/");
    List<String> at = new ArrayList<>(List.of(names).subList(0, names.length - 1));
    for (String name : link.target().split("/")) {
      if (name.equals("..")) {
        at.remove(at.size() - 1);
      } else if (!name.isEmpty() && !name.equals(".")) {
        at.add(name);
      }
    }
    return at.isEmpty() || entries.containsKey(String.join("/", at));
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
    // The real target, through no other link: it reads the same on the workers.
    String stored = file.getParent().relativize(real).toString();
    entries.put(path, new LinkEntry(path, stored.isEmpty() ? "." : stored));
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
   * Unpacks into {@code target} (which must not exist yet, or be an empty folder). Before anything
   * is written, the digest is checked, the archive is counted against {@link #MAX_UNPACKED_BYTES},
   * {@link #MAX_ENTRIES} and {@link #MAX_DEPTH}, and every path and link is resolved as it would be
   * on disk: a mismatch, a limit passed, a path that climbs out, an entry below a link, or a link
   * that leads out or nowhere is refused (ContentException) with nothing written.
   */
  public static void unpack(byte[] bytes, String digest, Path target) {
    ContentUnpacker.unpack(bytes, digest, target, ContentUnpacker.Limits.DEFAULT);
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

  static Optional<String> git(Path folder, String... args) {
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
