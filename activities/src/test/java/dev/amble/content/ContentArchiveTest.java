package dev.amble.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Amblefile's folder packed for the workers: what travels, what is left out, what is refused.
 */
class ContentArchiveTest {
  @TempDir Path tmp;

  private Path project() throws IOException {
    Path p = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(p.resolve("Amblefile.yml"), "workspaces: {}\n");
    Files.createDirectories(p.resolve("roles/web/tasks"));
    Files.writeString(p.resolve("roles/web/tasks/main.yml"), "- debug: msg=hi\n");
    Files.createDirectories(p.resolve("roles/web/files"));
    Path script = p.resolve("inventory.sh");
    Files.writeString(script, "#!/bin/sh\necho '{}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(p.resolve("site.yml"), Path.of("roles/web/tasks/main.yml"));
    return p;
  }

  @Test
  void theSameContentPacksToTheSameDigestAndUnpacksAsItWas() throws IOException {
    Path p = project();
    ContentArchive.Packed one = ContentArchive.pack(p);
    ContentArchive.Packed two = ContentArchive.pack(p);
    assertEquals(one.digest(), two.digest());
    assertArrayEquals(one.bytes(), two.bytes());
    assertEquals(3, one.files());
    Path out = tmp.resolve("out");
    ContentArchive.unpack(one.bytes(), one.digest(), out);
    assertEquals("- debug: msg=hi\n", Files.readString(out.resolve("roles/web/tasks/main.yml")));
    assertTrue(Files.isExecutable(out.resolve("inventory.sh")), "the executable bit travels");
    assertFalse(Files.isExecutable(out.resolve("Amblefile.yml")));
    assertTrue(Files.isSymbolicLink(out.resolve("site.yml")));
    assertEquals("- debug: msg=hi\n", Files.readString(out.resolve("site.yml")));
    assertTrue(Files.isDirectory(out.resolve("roles/web/files")), "empty folders travel");

    Files.writeString(p.resolve("roles/web/tasks/main.yml"), "- debug: msg=changed\n");
    assertNotEquals(one.digest(), ContentArchive.pack(p).digest(), "a changed file changes it");
  }

  @Test
  void gitAmbleStateAndSpecialFilesAreLeftOutWithAReason() throws Exception {
    Path p = project();
    String before = ContentArchive.pack(p).digest();
    Files.createDirectories(p.resolve(".git/objects"));
    Files.writeString(p.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    Files.createDirectories(p.resolve(".amble/prod/logs"));
    Files.writeString(p.resolve(".amble/prod/logs/x.log"), "log");
    Files.writeString(p.resolve(".amble-prod.upgrade.yml"), "[]");
    Path fifo = p.resolve("a.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    ContentArchive.Packed packed = ContentArchive.pack(p);
    assertEquals(before, packed.digest(), "none of them is content");
    String left = String.join("\n", packed.left());
    assertTrue(left.contains(".git/: left out (git's own data"), left);
    assertTrue(left.contains(".amble/: left out (amble's own state"), left);
    assertTrue(left.contains(".amble-prod.upgrade.yml: left out"), left);
    assertTrue(left.contains("a.fifo: not a regular file, directory or link"), left);
  }

  @Test
  void aLinkLeadingOutOfTheFolderIsRefusedAndADanglingOneLeftOut() throws IOException {
    Path p = project();
    Files.writeString(tmp.resolve("secret.yml"), "x");
    Files.createSymbolicLink(p.resolve("outside.yml"), Path.of("../secret.yml"));
    ContentException e = assertThrows(ContentException.class, () -> ContentArchive.pack(p));
    assertTrue(
        e.getMessage().contains("outside.yml: a link to ../secret.yml, outside the folder"),
        e.getMessage());
    Files.delete(p.resolve("outside.yml"));
    Files.createSymbolicLink(p.resolve("etc"), Path.of("/etc"));
    e = assertThrows(ContentException.class, () -> ContentArchive.pack(p));
    assertTrue(e.getMessage().contains("etc: a link to /etc, outside the folder"), e.getMessage());
    Files.delete(p.resolve("etc"));
    Files.createSymbolicLink(p.resolve("gone.yml"), Path.of("nowhere.yml"));
    assertTrue(
        ContentArchive.pack(p)
            .left()
            .contains("gone.yml: a link to nowhere.yml, which does not exist"));
  }

  @Test
  void contentLargerThanTheLimitIsRefusedNamingTheLargestFiles() throws IOException {
    Path p = project();
    byte[] noise = new byte[(int) ContentArchive.MAX_BYTES + 1024];
    new Random(7).nextBytes(noise);
    Files.write(p.resolve("image.iso"), noise);
    ContentException e = assertThrows(ContentException.class, () -> ContentArchive.pack(p));
    assertTrue(e.getMessage().contains("is more than 16 MiB compressed"), e.getMessage());
    assertTrue(e.getMessage().contains("image.iso: " + noise.length + " B"), e.getMessage());
  }

  @Test
  void theCommitIsRecordedAndChangesToContentMakeItDirtyButAmblesOwnFilesDoNot() throws Exception {
    Path p = project();
    assertEquals(java.util.Optional.empty(), ContentArchive.gitCommit(p), "not a checkout");
    git(p, "init", "-q");
    git(p, "add", "-A");
    git(p, "-c", "user.name=t", "-c", "user.email=t@example.net", "commit", "-qm", "one");
    String head = git(p, "rev-parse", "HEAD").strip();
    Files.createDirectories(p.resolve(".amble/prod"));
    Files.writeString(p.resolve(".amble/prod/state"), "x");
    Files.writeString(p.resolve(".amble-prod.job.yml"), "[]");
    assertEquals(java.util.Optional.of(head), ContentArchive.gitCommit(p));
    Files.writeString(p.resolve("Amblefile.yml"), "workspaces: { changed: {} }\n");
    assertEquals(java.util.Optional.of(head + "+dirty"), ContentArchive.gitCommit(p));
  }

  static String git(Path dir, String... args) throws Exception {
    java.util.List<String> command =
        new java.util.ArrayList<>(java.util.List.of("git", "-C", dir.toString()));
    command.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void damagedContentIsRefused() throws IOException {
    ContentArchive.Packed packed = ContentArchive.pack(project());
    String other = "sha256:" + "0".repeat(64);
    ContentException e =
        assertThrows(
            ContentException.class,
            () -> ContentArchive.unpack(packed.bytes(), other, tmp.resolve("out")));
    assertTrue(e.getMessage().contains("arrived damaged"), e.getMessage());
  }

  static String mode(Path p) throws Exception {
    Process stat = new ProcessBuilder("stat", "-c", "%a", p.toString()).start();
    String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, stat.waitFor());
    return out;
  }

  private static void chmod(String mode, Path p) throws Exception {
    assertEquals(0, new ProcessBuilder("chmod", mode, p.toString()).start().waitFor());
  }

  @Test
  void filesKeepTheirPermissionBitsButNeverSetuidSetgidOrSticky() throws Exception {
    Path p = project();
    Files.writeString(p.resolve(".vault_pass"), "s3cret\n");
    chmod("600", p.resolve(".vault_pass"));
    Files.writeString(p.resolve("group.yml"), "x: 1\n");
    chmod("640", p.resolve("group.yml"));
    Files.writeString(p.resolve("setuid.sh"), "#!/bin/sh\n");
    chmod("4755", p.resolve("setuid.sh"));
    assertEquals("4755", mode(p.resolve("setuid.sh")));
    ContentArchive.Packed packed = ContentArchive.pack(p);
    Path out = tmp.resolve("out");
    ContentArchive.unpack(packed.bytes(), packed.digest(), out);
    assertEquals("600", mode(out.resolve(".vault_pass")));
    assertEquals("640", mode(out.resolve("group.yml")));
    assertEquals("750", mode(out.resolve("inventory.sh")));
    assertEquals("644", mode(out.resolve("Amblefile.yml")));
    assertEquals("755", mode(out.resolve("setuid.sh")));
  }

  /**
   * Packed by amble before modes travelled (format amble-content-1, from the Amblefile's folder
   * {@code Amblefile.yml}, {@code inv.sh} 0755, {@code roles/x/main.yml}, {@code site.yml ->
   * roles/x/main.yml}): histories hold digests like this one, which must still unpack.
   */
  private static final String OLD_DIGEST =
      "sha256:09d9deda2077c09c6f6a6fe9314be1f638ada463e14c63c9e651411286c7a30c";

  private static final String OLD_BYTES =
      "H4sIAAAAAAAA/2PgT8xNyknVTc7PK0nNK9E1dGPgdQSJpGXmpOpV5uYwQAF/eX5RdnFBYnJqsZVCdS2XGwNbZl6ZXnEGI1SBkLKiflJmnn5xBldqckY+SI0LA2tRfk5qsQsDO5jWr3BjEICy9HMTM/OQLRDUVUhJTSpNt1LILU63zc9J4fJh4CjOLIG4AkObKwAcljouugAAAA==";

  @Test
  void contentPackedInTheOldFormatStillUnpacksUnderItsDigest() throws Exception {
    byte[] old = java.util.Base64.getDecoder().decode(OLD_BYTES);
    Path out = tmp.resolve("old");
    ContentArchive.unpack(old, OLD_DIGEST, out);
    assertEquals("workspaces: {}\n", Files.readString(out.resolve("Amblefile.yml")));
    assertEquals("755", mode(out.resolve("inv.sh")));
    assertEquals("644", mode(out.resolve("roles/x/main.yml")));
    assertEquals("- debug: msg=old\n", Files.readString(out.resolve("site.yml")));
  }

  @Test
  void linksThroughLinksToFoldersTravelAndReadTheSame() throws Exception {
    Path p = project();
    Files.createSymbolicLink(p.resolve("shared"), Path.of("roles/web"));
    Files.createSymbolicLink(p.resolve("main.yml"), Path.of("shared/tasks/main.yml"));
    Files.createDirectories(p.resolve("deep/er"));
    Files.createSymbolicLink(p.resolve("deep/er/up"), Path.of(".."));
    // up leads to deep, so up/../site.yml is the folder's site.yml (its spelling says deep/er)
    Files.createSymbolicLink(p.resolve("deep/er/site.yml"), Path.of("up/../site.yml"));
    ContentArchive.Packed packed = ContentArchive.pack(p);
    Path out = tmp.resolve("out");
    ContentArchive.unpack(packed.bytes(), packed.digest(), out);
    assertEquals("- debug: msg=hi\n", Files.readString(out.resolve("main.yml")));
    assertEquals("- debug: msg=hi\n", Files.readString(out.resolve("shared/tasks/main.yml")));
    assertEquals("- debug: msg=hi\n", Files.readString(out.resolve("deep/er/site.yml")));
    assertEquals(out.resolve("deep").toRealPath(), out.resolve("deep/er/up").toRealPath());
  }
}
