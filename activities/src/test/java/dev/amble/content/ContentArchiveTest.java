package dev.amble.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

  private static String git(Path dir, String... args) throws Exception {
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
}
