package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.common.ExitCode;
import dev.amble.codec.CodecKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    Files.setPosixFilePermissions(
        dir.resolve("token"), PosixFilePermissions.fromString("rw-------"));

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

  @Test
  void aPayloadUnderAKeyThisCommandLacksIsASettingToFixNotACrash() {
    java.io.StringWriter err = new java.io.StringWriter();

    int code =
        Amble.unexpected(
            new io.temporal.client.WorkflowServiceException(
                io.temporal.api.common.v1.WorkflowExecution.getDefaultInstance(),
                "RolloutWorkflow",
                new io.temporal.payload.codec.PayloadCodecException(
                    "a payload is encrypted with key 0123456789abcdef, which this process does not"
                        + " have")),
            Map.of(),
            new java.io.PrintWriter(err));

    assertEquals(ExitCode.BAD_INPUT, code);
    assertTrue(
        err.toString().startsWith("amble: a payload is encrypted with key 0123456789abcdef"));
  }

  @Test
  void aTokenOtherUsersMayReadIsRefused() throws Exception {
    CodecKey.create(dir.resolve("k"));
    Files.writeString(dir.resolve("token"), "a-long-enough-token-0123456789");
    Files.setPosixFilePermissions(
        dir.resolve("token"), PosixFilePermissions.fromString("rw-r--r--"));

    CliRun r =
        CliRun.run(
            dir,
            Map.of("AMBLE_CODEC_KEY_FILE", "k", "AMBLE_CODEC_SERVER_TOKEN_FILE", "token"),
            "codec-server",
            "--listen",
            "127.0.0.1:0");

    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("may be read by other users"), r.toString());
    assertTrue(r.err().contains("chmod 600"), r.toString());
    assertFalse(r.err().contains("0123456789"), r.toString());
  }

  @Test
  void withoutATokenItServesNoOne() throws Exception {
    CodecKey.create(dir.resolve("k"));

    CliRun r =
        CliRun.run(
            dir,
            Map.of("AMBLE_CODEC_KEY_FILE", "k", "AMBLE_CODEC_SERVER_TOKEN_FILE", ""),
            "codec-server",
            "--listen",
            "127.0.0.1:0");

    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("no token: set AMBLE_CODEC_SERVER_TOKEN_FILE"), r.toString());
  }
}
