package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.codec.CodecKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `amble codec-server` refuses before it listens. */
class CodecServerCliTest {
  @TempDir Path dir;

  @Test
  void withoutAKeyItSaysWhichSettingsGiveOne() {
    CliRun r =
        CliRun.run(dir, Map.of("AMBLE_CODEC_KEYS", "", "AMBLE_CODEC_KEY_FILE", ""), "codec-server");

    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("AMBLE_CODEC_KEY_FILE"), r.toString());
  }

  @Test
  void aShortTokenIsRefusedWithoutBeingPrinted() throws Exception {
    CodecKey.create(dir.resolve("k"));
    Files.writeString(dir.resolve("token"), "short-secret");

    CliRun r =
        CliRun.run(
            dir,
            Map.of(
                "AMBLE_CODEC_KEY_FILE",
                "k",
                "AMBLE_CODEC_SERVER_TOKEN_FILE",
                dir.resolve("token").toString()),
            "codec-server",
            "--listen",
            "127.0.0.1:0");

    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("16 characters"), r.toString());
    assertFalse(r.err().contains("short-secret"), r.toString());
  }
}
