package dev.amble.content;

import com.google.common.hash.Hashing;
import com.google.common.hash.HashingInputStream;
import com.google.common.io.ByteStreams;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a {@link ContentArchive} in three passes over its bytes, so that nothing is written
 * before the whole archive is known to be what its digest says and to stay inside its folder:
 *
 * <ol>
 *   <li>the digest: the uncompressed stream is hashed (at most {@link Limits#bytes} plus room for
 *       names) and compared with the one asked for;
 *   <li>the plan: every entry is read (its data skipped), counted against the {@link Limits}, and
 *       checked: a plain relative path, no entry below a link or a file, and every link resolved as
 *       it would be on disk (following the archive's own links, {@code ..} after a link applying to
 *       where the link leads) to an entry of the archive inside the folder;
 *   <li>the writing, into a folder that must not exist yet (or be empty), where no write follows a
 *       link: folders are made one by one and must be real folders, files are created new, links
 *       are only created, never written through.
 * </ol>
 */
final class ContentUnpacker {
  /**
   * The most an archive may unpack to.
   *
   * @param bytes the files' sizes added up
   * @param entries files, folders and links
   * @param depth names in one path
   */
  record Limits(long bytes, int entries, int depth) {
    static final Limits DEFAULT =
        new Limits(
            ContentArchive.MAX_UNPACKED_BYTES,
            ContentArchive.MAX_ENTRIES,
            ContentArchive.MAX_DEPTH);
  }

  /** Room for names and links on top of the files' bytes, when the whole stream is hashed. */
  private static final long NAMES_ROOM = 64L * 1024 * 1024;

  /** How many links one path may go through, as Linux allows (its MAXSYMLINKS). */
  private static final int MAX_HOPS = 40;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private enum Kind {
    FILE,
    DIRECTORY,
    LINK
  }

  private record Item(Kind kind, String path, int mode, long length, String target) {}

  private final String digest;
  private final Limits limits;

  private ContentUnpacker(String digest, Limits limits) {
    this.digest = digest;
    this.limits = limits;
  }

  static void unpack(byte[] given, String digest, Path target, Limits limits) {
    byte[] bytes = given.clone(); // the bytes checked are the bytes written
    ContentUnpacker unpacker = new ContentUnpacker(digest, limits);
    try {
      if (bytes.length > ContentArchive.MAX_BYTES) {
        throw new ContentException(
            "content "
                + digest
                + " is "
                + bytes.length
                + " B compressed, more than the "
                + (ContentArchive.MAX_BYTES >> 20)
                + " MiB a rollout carries (ContentArchive.MAX_BYTES)");
      }
      unpacker.checkDigest(bytes);
      List<Item> plan = unpacker.plan(bytes);
      unpacker.write(bytes, plan, target);
    } catch (EOFException e) {
      throw new ContentException("content " + digest + " arrived cut short", e);
    } catch (IOException e) {
      throw new UncheckedIOException("unpacking content " + digest + " into " + target, e);
    }
  }

  /** Everything {@link #unpack} checks, with nothing written. */
  static void check(byte[] bytes, String digest, Limits limits) {
    ContentUnpacker unpacker = new ContentUnpacker(digest, limits);
    try {
      unpacker.checkDigest(bytes);
      unpacker.plan(bytes);
    } catch (IOException e) {
      throw new ContentException("content " + digest + " cannot be read back: " + e, e);
    }
  }

  private static InputStream uncompressed(byte[] bytes) throws IOException {
    return new GZIPInputStream(new ByteArrayInputStream(bytes));
  }

  private void checkDigest(byte[] bytes) throws IOException {
    long most = limits.bytes() + NAMES_ROOM;
    HashingInputStream hashing = new HashingInputStream(Hashing.sha256(), uncompressed(bytes));
    long read = ByteStreams.exhaust(ByteStreams.limit(hashing, most + 1));
    if (read > most) {
      throw tooMuch();
    }
    String found = "sha256:" + hashing.hash();
    if (!found.equals(digest)) {
      throw new ContentException(
          "content " + digest + " arrived damaged (its digest is " + found + "); nothing written");
    }
  }

  private ContentException tooMuch() {
    return new ContentException(
        "content "
            + digest
            + " unpacks to more than "
            + (limits.bytes() >> 20)
            + " MiB, the most amble unpacks (ContentArchive.MAX_UNPACKED_BYTES); nothing written");
  }

  /** Reads every entry (skipping the files' data) and checks what unpacking it would do. */
  private List<Item> plan(byte[] bytes) throws IOException {
    List<Item> items = new ArrayList<>();
    Map<String, Item> byPath = new HashMap<>();
    long total = 0;
    try (InputStream raw = uncompressed(bytes)) {
      DataInputStream in = new DataInputStream(raw);
      int version = ContentArchive.version(in.readUTF());
      while (true) {
        Item item = next(in, version);
        if (item == null) {
          break;
        }
        if (items.size() >= limits.entries()) {
          throw new ContentException(
              "content "
                  + digest
                  + " holds more than "
                  + limits.entries()
                  + " entries (files, folders and links), the most amble unpacks"
                  + " (ContentArchive.MAX_ENTRIES); nothing written");
        }
        total += item.length();
        if (total > limits.bytes()) {
          throw tooMuch();
        }
        ByteStreams.skipFully(in, item.length());
        if (byPath.putIfAbsent(item.path(), item) != null) {
          throw malformed(item.path() + " is in it twice");
        }
        items.add(item);
      }
      if (in.read() != -1) {
        throw malformed("it goes on after its end");
      }
    }
    Set<String> folders = new HashSet<>();
    for (Item item : items) {
      String path = item.path();
      for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        String parent = path.substring(0, slash);
        folders.add(parent);
        Item above = byPath.get(parent);
        if (above != null && above.kind() != Kind.DIRECTORY) {
          throw malformed(
              item.path()
                  + " is below "
                  + (above.kind() == Kind.LINK ? "the link " : "the file ")
                  + parent
                  + " (nothing is written through a link)");
        }
      }
    }
    Map<String, List<String>> resolved = new HashMap<>();
    for (Item item : items) {
      if (item.kind() == Kind.LINK) {
        resolve(item, byPath, folders, resolved, new ArrayDeque<>());
      }
    }
    return items;
  }

  /** The next entry, or null at the end. */
  private Item next(DataInputStream in, int version) throws IOException {
    byte kind = in.readByte();
    if (kind == ContentArchive.END) {
      return null;
    }
    String path = in.readUTF();
    checkPath(path);
    return switch (kind) {
      case ContentArchive.FILE -> {
        int mode =
            version == 1
                ? (in.readBoolean() ? 0755 : 0644)
                // the permission bits only: never setuid, setgid or sticky
                : in.readUnsignedShort() & 0777;
        long length = in.readLong();
        if (length < 0) {
          throw malformed(path + " has a negative size");
        }
        yield new Item(Kind.FILE, path, mode, length, "");
      }
      case ContentArchive.DIRECTORY -> new Item(Kind.DIRECTORY, path, 0, 0, "");
      case ContentArchive.LINK -> new Item(Kind.LINK, path, 0, 0, in.readUTF());
      default -> throw malformed("an entry of unknown kind " + kind);
    };
  }

  private void checkPath(String path) {
    String[] names = path.split("/", -1);
    for (String name : names) {
      if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
        throw malformed("the path " + path + " is not a plain path inside the folder");
      }
    }
    if (names.length > limits.depth()) {
      throw new ContentException(
          "content "
              + digest
              + " holds a path deeper than "
              + limits.depth()
              + " folders, the most amble unpacks (ContentArchive.MAX_DEPTH): "
              + path.substring(0, Math.min(path.length(), 200))
              + "...; nothing written");
    }
  }

  /**
   * Where {@code link} leads, as names from the folder: its target followed name by name from the
   * link's folder, through the archive's own links, as the system would on disk. Refused: a target
   * that is absolute, climbs above the folder, or names what the archive does not hold (a link
   * packed by amble always leads to something packed).
   */
  private List<String> resolve(
      Item link,
      Map<String, Item> byPath,
      Set<String> folders,
      Map<String, List<String>> resolved,
      Deque<String> via) {
    List<String> known = resolved.get(link.path());
    if (known != null) {
      return known;
    }
    if (via.contains(link.path()) || via.size() >= MAX_HOPS) {
      throw malformed(link.path() + ": a loop of links, or more than " + MAX_HOPS + " in a row");
    }
    via.push(link.path());
    String target = link.target();
    if (target.isEmpty() || target.startsWith("/") || target.indexOf('\0') >= 0) {
      throw leadsOut(link);
    }
    List<String> at = new ArrayList<>(Arrays.asList(link.path().split("/")));
    at.remove(at.size() - 1); // the link's folder: a real folder (nothing is below a link)
    Kind kind = Kind.DIRECTORY;
    String[] names = target.split("/");
    if (names.length > 2 * limits.depth()) {
      throw leadsOut(link);
    }
    for (String name : names) {
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (kind != Kind.DIRECTORY) {
        throw malformed(link.path() + ": a link to " + target + ", through a file");
      }
      if (name.equals("..")) {
        if (at.isEmpty()) {
          throw leadsOut(link);
        }
        at.remove(at.size() - 1);
        continue;
      }
      at.add(name);
      Item there = byPath.get(String.join("/", at));
      if (there == null && !folders.contains(String.join("/", at))) {
        throw malformed(link.path() + ": a link to " + target + ", which it does not hold");
      }
      kind = there == null ? Kind.DIRECTORY : there.kind();
      if (kind == Kind.LINK) {
        at = new ArrayList<>(resolve(there, byPath, folders, resolved, via));
        Item end = byPath.get(String.join("/", at));
        kind = end == null ? Kind.DIRECTORY : end.kind();
      }
    }
    via.pop();
    List<String> result = List.copyOf(at);
    resolved.put(link.path(), result);
    return result;
  }

  private ContentException leadsOut(Item link) {
    return malformed(link.path() + ": a link to " + link.target() + ", which leads out");
  }

  private ContentException malformed(String what) {
    return new ContentException(
        "content " + digest + " is not amble content as packed: " + what + "; nothing written");
  }

  private void write(byte[] bytes, List<Item> plan, Path target) throws IOException {
    Path root = emptyFolder(target);
    Set<String> folders = new HashSet<>();
    try (InputStream raw = uncompressed(bytes)) {
      DataInputStream in = new DataInputStream(raw);
      int version = ContentArchive.version(in.readUTF());
      for (Item planned : plan) {
        Item item = next(in, version);
        if (item == null || !item.equals(planned)) {
          throw malformed("it changed while it was unpacked");
        }
        String[] names = item.path().split("/");
        Path p = folder(root, names, names.length - 1, folders).resolve(names[names.length - 1]);
        switch (item.kind()) {
          case FILE -> {
            try (OutputStream out =
                Channels.newOutputStream(
                    Files.newByteChannel(
                        p,
                        Set.<OpenOption>of(
                            StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY)))) {
              ByteStreams.copy(ByteStreams.limit(in, item.length()), out);
            }
            if (Files.size(p) != item.length()) {
              throw new EOFException(item.path() + " is cut short");
            }
            Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(permissions(item.mode()));
          }
          case DIRECTORY -> folder(root, names, names.length, folders);
          case LINK -> Files.createSymbolicLink(p, Path.of(item.target()));
        }
      }
    }
  }

  /** {@code target}, made now or found empty: the real path of it. */
  private Path emptyFolder(Path target) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> in = Files.newDirectoryStream(target)) {
        if (in.iterator().hasNext()) {
          throw new ContentException(
              "cannot unpack content " + digest + " into " + target + ": it is not empty");
        }
      }
    } else {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.createDirectory(target);
    }
    return target.toRealPath();
  }

  /** The folder of the first {@code count} names, made if missing; a real folder, never a link. */
  private Path folder(Path root, String[] names, int count, Set<String> made) throws IOException {
    Path p = root;
    StringBuilder rel = new StringBuilder();
    for (int i = 0; i < count; i++) {
      p = p.resolve(names[i]);
      rel.append(names[i]).append('/');
      if (made.contains(rel.toString())) {
        continue;
      }
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(p); // fails on anything already there, a link included
      }
      made.add(rel.toString());
    }
    return p;
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (0400 >> i)) != 0) {
        set.add(bits[i]);
      }
    }
    set.add(PosixFilePermission.OWNER_READ); // the worker reads its copy
    return set;
  }
}
