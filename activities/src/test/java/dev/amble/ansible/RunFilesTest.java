package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The private files of one Ansible run: only the worker's user reads them, and they go with it. */
class RunFilesTest {
  @TempDir Path folder;

  @Test
  void limitAndVarsAreWrittenPrivateAndDeletedAfterTheRun() throws Exception {
    WorkspaceDir dir = WorkspaceDir.of(folder, "w");
    Path limit;
    Path vars;
    Path own;
    try (RunFiles files = RunFiles.open(dir)) {
      List<String> args = files.limit(new Limit.Host("web 1,db:2"));
      assertEquals("--limit", args.get(0));
      limit = Path.of(args.get(1).substring(1));
      vars = Path.of(files.vars(JsonNodeFactory.instance.objectNode().put("a", 1)).substring(1));
      own = limit.getParent();
      assertEquals(own, vars.getParent());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(limit)));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(vars)));
      assertEquals("~^web\\ 1\\,db\\:2$\n", Files.readString(limit));
      assertEquals("{\"a\":1}", Files.readString(vars));
      assertTrue(own.startsWith(dir.run()));
    }
    assertFalse(Files.exists(own), "left behind: " + own);
  }

  @Test
  void aPatternGoesAsItIsAndNoLimitAddsNothing() {
    try (RunFiles files = RunFiles.open(WorkspaceDir.of(folder, "w"))) {
      assertEquals(List.of("--limit", "web:&prod"), files.limit(new Limit.Pattern("web:&prod")));
      assertEquals(List.of(), files.limit(Limit.NONE));
    }
  }
}
