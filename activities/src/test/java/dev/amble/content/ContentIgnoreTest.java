package dev.amble.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pack leaves out: what git ignores, and what .ambleignore names. */
class ContentIgnoreTest {
  @TempDir Path tmp;

  private Path project() throws Exception {
    Path p = Files.createDirectories(tmp.resolve("checkout/ops"));
    Files.writeString(p.resolve("Amblefile.yml"), "workspaces: {}\n");
    Files.createDirectories(p.resolve("roles/web/tasks"));
    Files.writeString(p.resolve("roles/web/tasks/main.yml"), "- debug: msg=hi\n");
    Files.writeString(p.resolve(".vault_pass"), "s3cret\n");
    Files.writeString(p.resolve(".env"), "TOKEN=s3cret\n");
    Files.createDirectories(p.resolve("keys"));
    Files.writeString(p.resolve("keys/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    return p;
  }

  @Test
  void whatGitIgnoresStaysOutOfTheContent() throws Exception {
    Path p = project();
    ContentArchiveTest.git(tmp.resolve("checkout"), "init", "-q");
    // The checkout's .gitignore, above the Amblefile's folder, and the folder's own.
    Files.writeString(tmp.resolve("checkout/.gitignore"), ".env\n");
    Files.writeString(p.resolve(".gitignore"), ".vault_pass\nkeys/\n*.retry\n");
    Files.writeString(p.resolve("site.retry"), "web01\n");
    // A link to an ignored file would arrive leading nowhere: it stays out too.
    Files.createSymbolicLink(p.resolve("pass"), Path.of(".vault_pass"));
    ContentArchive.Packed packed = ContentArchive.pack(p);
    assertEquals(List.of(".env", ".vault_pass", "keys/", "site.retry"), sorted(packed.ignored()));
    assertTrue(packed.left().contains("pass: a link to .vault_pass, which is left out"));
    Path out = tmp.resolve("out");
    ContentArchive.unpack(packed.bytes(), packed.digest(), out);
    assertFalse(Files.exists(out.resolve(".vault_pass")));
    assertFalse(Files.exists(out.resolve(".env")));
    assertFalse(Files.exists(out.resolve("keys")));
    assertFalse(Files.exists(out.resolve("pass"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(out.resolve(".gitignore")));
    assertTrue(Files.exists(out.resolve("roles/web/tasks/main.yml")));
  }

  @Test
  void ambleignoreLeavesOutWhatItNamesInOrOutOfACheckout() throws Exception {
    Path p = project();
    Files.writeString(
        p.resolve(".ambleignore"),
        String.join(
            "\n",
            "# secrets",
            ".vault_pass",
            "  ",
            "/.env",
            "keys/",
            "*.pem",
            "!ca.pem",
            "build/**",
            "**/cache/",
            "roles/*/files/*.tar.gz",
            "\\#literal",
            "v?.yml",
            "[xy].yml",
            ""));
    for (String f :
        List.of(
            "tls.pem",
            "ca.pem",
            "roles/web/tls.pem",
            "build/out.txt",
            "roles/web/cache/x",
            "roles/web/files/big.tar.gz",
            "roles/web/files/keep.txt",
            "#literal",
            "v1.yml",
            "v10.yml",
            "x.yml",
            "z.yml",
            "roles/web/.env",
            "roles/web/keys")) {
      Files.createDirectories(p.resolve(f).getParent());
      Files.writeString(p.resolve(f), f);
    }
    ContentArchive.Packed packed = ContentArchive.pack(p);
    assertEquals(
        List.of(
            "#literal",
            ".env",
            ".vault_pass",
            "build/out.txt",
            "keys/",
            "roles/web/cache/",
            "roles/web/files/big.tar.gz",
            "roles/web/tls.pem",
            "tls.pem",
            "v1.yml",
            "x.yml"),
        sorted(packed.ignored()));
    Path out = tmp.resolve("out");
    ContentArchive.unpack(packed.bytes(), packed.digest(), out);
    for (String kept :
        List.of(
            "ca.pem",
            "roles/web/files/keep.txt",
            "v10.yml",
            "z.yml",
            "roles/web/.env",
            "roles/web/keys",
            "build")) {
      assertTrue(Files.exists(out.resolve(kept)), kept);
    }
    assertFalse(Files.exists(out.resolve(".ambleignore")), "amble's own");
    assertFalse(
        packed.left().stream().anyMatch(l -> l.contains(".ambleignore")), "and said nothing of");
  }

  @Test
  void aGitignoreGitCannotAnswerForIsSaid() throws Exception {
    Path p = project();
    Files.writeString(p.resolve(".gitignore"), ".vault_pass\n");
    ContentArchive.Packed packed = ContentArchive.pack(p);
    assertTrue(
        packed.left().stream().anyMatch(l -> l.startsWith(".gitignore: not applied")),
        packed.left().toString());
    assertEquals(List.of(), packed.ignored());
  }

  private static List<String> sorted(List<String> l) {
    List<String> s = new ArrayList<>(l);
    s.sort(null);
    return s;
  }
}
