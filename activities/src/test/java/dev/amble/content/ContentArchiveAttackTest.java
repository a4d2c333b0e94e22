package dev.amble.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives forged as an attacker would, each with a digest that matches its bytes: unpacking
 * refuses them all, having written nothing (not even the target folder). They are forged in the
 * first format (amble-content-1), which workers still unpack, so that each attack also ran against
 * the unpacking before this hardening (where each of them got through).
 */
class ContentArchiveAttackTest {
  @TempDir Path tmp;

  private Path target() throws IOException {
    return Files.createDirectories(tmp.resolve("cache/fetch")).resolve("content");
  }

  private static ContentException refused(ForgedArchive.Sealed a, Path target) {
    return assertThrows(
        ContentException.class, () -> ContentArchive.unpack(a.bytes(), a.digest(), target));
  }

  @Test
  void aChainOfLinksThatEachLookInsideCannotCarryAFileOut() throws IOException {
    Path target = target();
    // up -> a; e1 -> up/../.. is the folder's parent; e2 -> e1/../.. two above that: tmp. Each
    // target reads, by its spelling, as a path inside the folder (a/b/e1/../.. is a).
    ForgedArchive.Sealed chain =
        new ForgedArchive(1)
            .folder("a")
            .folder("a/b")
            .link("a/b/up", "..")
            .link("a/b/e1", "up/../..")
            .link("a/b/e2", "e1/../..")
            .file("a/b/e2/pwned", "written outside\n")
            .seal();
    Optional<ContentException> refusal = Optional.empty();
    try {
      ContentArchive.unpack(chain.bytes(), chain.digest(), target);
    } catch (ContentException e) {
      refusal = Optional.of(e);
    }
    assertFalse(Files.exists(tmp.resolve("pwned")), "nothing written outside the folder");
    assertFalse(Files.exists(target), "nothing written at all");
    String message = refusal.orElseThrow().getMessage();
    assertTrue(message.contains("a/b/e2/pwned is below the link a/b/e2"), message);

    // The links alone are refused too: each is resolved as it would be on disk.
    ForgedArchive.Sealed links =
        new ForgedArchive(1)
            .folder("a")
            .folder("a/b")
            .link("a/b/up", "..")
            .link("a/b/e1", "up/../..")
            .seal();
    ContentException e = refused(links, target);
    assertTrue(
        e.getMessage().contains("a/b/e1: a link to up/../.., which leads out"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void noFileIsWrittenThroughALinkEvenOneThatLeadsInside() throws IOException {
    Path target = target();
    ForgedArchive.Sealed through =
        new ForgedArchive(1)
            .folder("roles")
            .link("shared", "roles")
            .file("shared/x.yml", "through the link\n")
            .seal();
    ContentException e = refused(through, target);
    assertTrue(e.getMessage().contains("shared/x.yml is below the link shared"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void absoluteLoopingAndDanglingLinksAreRefused() throws IOException {
    for (String[] bad :
        new String[][] {
          {"/etc", "leads out"},
          {"../../../../../../../../tmp", "leads out"},
          {"loop", "a loop of links"},
          {"missing/../..", "which it does not hold"},
        }) {
      Path target = target();
      ForgedArchive.Sealed sealed =
          bad[0].equals("loop")
              ? new ForgedArchive(1).link("x", "loop").link("loop", "x").seal()
              : new ForgedArchive(1).link("x", bad[0]).seal();
      ContentException e = refused(sealed, target);
      assertTrue(e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
      assertFalse(Files.exists(target));
    }
  }

  @Test
  void theDigestIsCheckedBeforeAnythingIsWritten() throws IOException {
    Path target = target();
    ForgedArchive.Sealed a = new ForgedArchive(1).file("Amblefile.yml", "workspaces: {}\n").seal();
    String other = "sha256:" + "0".repeat(64);
    ContentException e =
        assertThrows(ContentException.class, () -> ContentArchive.unpack(a.bytes(), other, target));
    assertTrue(e.getMessage().contains("arrived damaged"), e.getMessage());
    assertFalse(Files.exists(target), "nothing written before the digest matched");
  }

  @Test
  void moreEntriesThanTheLimitAreRefusedBeforeAnyIsWritten() throws IOException {
    Path target = target();
    ForgedArchive forged = new ForgedArchive(1).folder("f");
    for (int i = 0; i < ContentArchive.MAX_ENTRIES; i++) {
      forged.file("f/" + i, "");
    }
    ForgedArchive.Sealed many = forged.seal();
    assertTrue(many.bytes().length < ContentArchive.MAX_BYTES, "small enough to travel");
    ContentException e = refused(many, target);
    assertTrue(
        e.getMessage().contains("more than 100000 entries")
            && e.getMessage().contains("ContentArchive.MAX_ENTRIES"),
        e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void aPathDeeperThanTheLimitIsRefused() throws IOException {
    Path target = target();
    String deep = "d/".repeat(ContentArchive.MAX_DEPTH) + "f";
    ContentException e = refused(new ForgedArchive(1).file(deep, "x").seal(), target);
    assertTrue(e.getMessage().contains("ContentArchive.MAX_DEPTH"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void aFileClaimingMoreThanTheLimitIsRefusedBeforeItsBytesAreRead() throws IOException {
    Path target = target();
    // Gigabytes of zeros compress to a few MiB; the header alone says what they would unpack to.
    ForgedArchive.Sealed bomb =
        new ForgedArchive(1)
            .file("small.yml", "x\n")
            .claim("big.bin", ContentArchive.MAX_UNPACKED_BYTES + 1, 1 << 20)
            .seal();
    ContentException e = refused(bomb, target);
    assertTrue(
        e.getMessage().contains("more than 1024 MiB")
            && e.getMessage().contains("ContentArchive.MAX_UNPACKED_BYTES"),
        e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void filesAddingUpToMoreThanTheLimitAreRefused() throws IOException {
    Path target = target();
    ContentUnpacker.Limits small = new ContentUnpacker.Limits(1 << 20, 100, 8);
    byte[] half = new byte[(1 << 19) + 1];
    ForgedArchive.Sealed two =
        new ForgedArchive(1).file("a.bin", 0644, half).file("b.bin", 0644, half).seal();
    ContentException e =
        assertThrows(
            ContentException.class,
            () -> ContentUnpacker.unpack(two.bytes(), two.digest(), target, small));
    assertTrue(e.getMessage().contains("more than 1 MiB"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void pathsThatClimbOrRepeatAreRefused() throws IOException {
    for (ForgedArchive.Sealed bad :
        new ForgedArchive.Sealed[] {
          new ForgedArchive(1).file("../x", "x").seal(),
          new ForgedArchive(1).file("/tmp/x", "x").seal(),
          new ForgedArchive(1).file("a/./b", "x").seal(),
          new ForgedArchive(1).file("a", "x").link("a", ".").seal(),
          new ForgedArchive(1).file("a", "x").file("a/b", "x").seal(),
        }) {
      Path target = target();
      ContentException e = refused(bad, target);
      assertTrue(e.getMessage().contains("not amble content"), e.getMessage());
      assertFalse(Files.exists(target));
    }
  }

  @Test
  void aTargetThatIsNotEmptyIsRefused() throws IOException {
    Path target = Files.createDirectories(target());
    Files.writeString(target.resolve("there.yml"), "x");
    ContentException e = refused(new ForgedArchive(1).file("a.yml", "x").seal(), target);
    assertTrue(e.getMessage().contains("it is not empty"), e.getMessage());
  }

  @Test
  void setuidSetgidAndStickyBitsNeverArrive() throws Exception {
    Path target = target();
    ForgedArchive.Sealed a =
        new ForgedArchive(2).file("tool", 07777, "#!/bin/sh\n".getBytes(UTF_8)).seal();
    ContentArchive.unpack(a.bytes(), a.digest(), target);
    assertEquals("777", ContentArchiveTest.mode(target.resolve("tool")));
  }

  private static final java.nio.charset.Charset UTF_8 = java.nio.charset.StandardCharsets.UTF_8;
}
