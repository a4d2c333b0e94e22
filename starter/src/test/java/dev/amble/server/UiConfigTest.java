package dev.amble.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config `amble server` writes for the Web UI (ui-server v2.50.1): its ports, the codec server
 * asked with the browser's credentials, and the write actions amble does not need turned off.
 */
class UiConfigTest {
  @TempDir Path dir;

  private JsonNode config() throws Exception {
    LocalServer server =
        new LocalServer(
            dir,
            dir.resolve("bin"),
            new PrintWriter(new StringWriter()),
            Map.of(),
            new LocalServer.Ports(17233, 18233, 18300));
    return new YAMLMapper().readTree(server.uiConfig(Optional.empty()));
  }

  @Test
  void theUiAsksTheCodecServerWithTheBrowsersCookie() throws Exception {
    JsonNode c = config();

    assertEquals("127.0.0.1:17233", c.path("temporalGrpcAddress").asText());
    assertEquals("127.0.0.1", c.path("host").asText());
    assertEquals(18233, c.path("port").asInt());
    assertEquals("http://127.0.0.1:18300", c.at("/codec/endpoint").asText());
    assertTrue(c.at("/codec/includeCredentials").asBoolean(), c.toString());
    assertFalse(c.at("/codec/passAccessToken").asBoolean(), c.toString());
  }

  @Test
  void onlyTheWritesAmbleIsSteeredByStayOn() throws Exception {
    JsonNode c = config();

    for (String off :
        List.of(
            "startWorkflowDisabled",
            "workflowResetDisabled",
            "workflowTerminateDisabled",
            "workflowPauseDisabled",
            "batchActionsDisabled",
            "activityCommandsDisabled")) {
      assertTrue(c.path(off).isBoolean() && c.path(off).asBoolean(), off + ": " + c);
    }
    for (String on :
        List.of(
            "disableWriteActions",
            "workflowSignalDisabled",
            "workflowUpdateDisabled",
            "workflowCancelDisabled")) {
      assertTrue(c.path(on).isBoolean() && !c.path(on).asBoolean(), on + ": " + c);
    }
  }
}
