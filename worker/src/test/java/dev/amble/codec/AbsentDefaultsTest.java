package dev.amble.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.host.HostFailure;
import dev.amble.host.HostInput;
import dev.amble.host.HostOutcome;
import dev.amble.host.Outcome;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.host.WalkEnd;
import dev.amble.rollout.RolloutInput;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A record written without its defaults reads back equal: every walk input, rollout input, walk
 * outcome, walk end and run result of every recorded history, and the Amblefiles the tests load,
 * written this way and read again; and what is left out is the defaults only.
 */
class AbsentDefaultsTest {
  static final DataConverter WRITER = PayloadJson.converter();
  static final Path HISTORIES = Path.of("../workflows/src/test/resources/histories");

  /** The value as Temporal's default converter writes it: every property. */
  static String whole(Object value) {
    return DefaultDataConverter.newDefaultInstance()
        .toPayload(value)
        .orElseThrow()
        .getData()
        .toStringUtf8();
  }

  /** Written without defaults and read again, the value writes whole as it did. */
  static <T> void readsBackTheSame(T value, Class<T> type, String what) {
    assertEquals(whole(value), whole(again(value, type)), what);
  }

  static <T> T again(T value, Class<T> type) {
    Payload p = WRITER.toPayload(value).orElseThrow();
    return WRITER.fromPayload(p, type, type);
  }

  static String text(Object value) {
    return WRITER.toPayload(value).orElseThrow().getData().toStringUtf8();
  }

  /** What the payload read as this type, written again this way and read again, is. */
  static int roundTrips(Payloads payloads, Class<?> type) {
    Object read =
        DefaultDataConverter.newDefaultInstance()
            .withPayloadConverterOverrides(
                new io.temporal.common.converter.JacksonJsonPayloadConverter(
                    io.temporal.common.converter.JacksonJsonPayloadConverter
                        .newDefaultObjectMapper()
                        .configure(
                            com.fasterxml.jackson.databind.DeserializationFeature
                                .FAIL_ON_UNKNOWN_PROPERTIES,
                            false)))
            .fromPayloads(0, Optional.of(payloads), type, type);
    @SuppressWarnings("unchecked")
    Class<Object> t = (Class<Object>) type;
    readsBackTheSame(read, t, type.getSimpleName());
    return 1;
  }

  @Test
  void everyRecordedPayloadReadsBackEqual() throws Exception {
    int checked = 0;
    List<Path> files;
    try (Stream<Path> s = Files.list(HISTORIES)) {
      files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(files.isEmpty(), "no histories under " + HISTORIES.toAbsolutePath());
    for (Path f : files) {
      WorkflowExecutionHistory h = WorkflowExecutionHistory.fromJson(Files.readString(f));
      String workflow =
          h.getEvents()
              .get(0)
              .getWorkflowExecutionStartedEventAttributes()
              .getWorkflowType()
              .getName();
      List<String> scheduled = new ArrayList<>();
      for (HistoryEvent e : h.getEvents()) {
        if (e.hasWorkflowExecutionStartedEventAttributes()) {
          var input = e.getWorkflowExecutionStartedEventAttributes().getInput();
          if (workflow.equals("HostWorkflow")) {
            checked += roundTrips(input, HostInput.class);
          } else if (workflow.equals("RolloutWorkflow")) {
            checked += roundTrips(input, RolloutInput.class);
          }
        } else if (e.hasWorkflowExecutionCompletedEventAttributes()
            && workflow.equals("HostWorkflow")) {
          checked +=
              roundTrips(
                  e.getWorkflowExecutionCompletedEventAttributes().getResult(), HostOutcome.class);
        } else if (e.hasWorkflowExecutionSignaledEventAttributes()
            && e.getWorkflowExecutionSignaledEventAttributes()
                .getSignalName()
                .equals(WalkEnd.SIGNAL)) {
          checked +=
              roundTrips(e.getWorkflowExecutionSignaledEventAttributes().getInput(), WalkEnd.class);
        } else if (e.hasActivityTaskScheduledEventAttributes()) {
          scheduled.add(e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        } else if (e.hasActivityTaskCompletedEventAttributes()) {
          String type =
              scheduled.get(
                  (int)
                      (h.getEvents().stream()
                          .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
                          .map(HistoryEvent::getEventId)
                          .toList()
                          .indexOf(
                              e.getActivityTaskCompletedEventAttributes().getScheduledEventId())));
          if (List.of("RunJob", "RunStep", "FinishHost").contains(type)) {
            checked +=
                roundTrips(
                    e.getActivityTaskCompletedEventAttributes().getResult(), RunResult.class);
          }
        }
      }
    }
    assertTrue(checked > 300, checked + " payloads checked");
  }

  static Definition loaded(Path amblefile, String workspace) throws Exception {
    return AmblefileLoader.load(amblefile, amblefile.getFileName().toString())
        .definition(workspace);
  }

  @Test
  void theAmblefilesTheTestsLoadReadBackEqualAsAWalksInput() throws Exception {
    for (Path file :
        List.of(
            Path.of("../examples/demo/Amblefile.yml"),
            Path.of("../workflows/src/test/resources/amblefiles/valid/Amblefile.yml"))) {
      var amblefile = AmblefileLoader.load(file, file.toString());
      for (String workspace : amblefile.workspaces().keySet()) {
        Definition d = amblefile.definition(workspace);
        for (Definition walked : List.of(d, d.forWalk(), d.withoutWindows())) {
          HostInput in =
              new HostInput(
                  walked,
                  "h01",
                  "r",
                  false,
                  false,
                  Duration.ofSeconds(30),
                  true,
                  2,
                  true,
                  true,
                  "amble/default/" + workspace,
                  false,
                  true);
          readsBackTheSame(in, HostInput.class, file + " " + workspace);
        }
      }
    }
  }

  @Test
  void onlyDefaultsAreLeftOut() {
    HostOutcome plain = new HostOutcome("h01", Outcome.SUCCEEDED, "", "/logs/x.log");
    assertEquals(
        "{\"host\":\"h01\",\"outcome\":\"SUCCEEDED\",\"reason\":\"\",\"log\":\"/logs/x.log\"}",
        text(plain));
    HostOutcome failed =
        new HostOutcome(
            "h01", Outcome.FAILED, "boom", "", List.of(), new HostFailure("job patch", "apt", ""));
    assertEquals(
        "{\"host\":\"h01\",\"outcome\":\"FAILED\",\"reason\":\"boom\",\"log\":\"\","
            + "\"failure\":{\"step\":\"job patch\",\"task\":\"apt\"}}",
        text(failed));
    assertEquals(failed, again(failed, HostOutcome.class));
    RunResult changedNothing = new RunResult(RunStatus.OK, "", "", "", 0, "/l");
    assertEquals(
        "{\"status\":\"OK\",\"task\":\"\",\"module\":\"\",\"message\":\"\",\"log\":\"/l\"}",
        text(changedNothing));
    assertEquals(changedNothing, again(changedNothing, RunResult.class));
  }

  @Test
  void aRecordWhoseConstructorRefusesNothingIsWrittenWhole() {
    record Strict(String name, List<String> items) {
      Strict {
        items = List.copyOf(items);
      }
    }
    assertEquals(Optional.empty(), AbsentDefaults.readWithout(Strict.class));
  }

  @Test
  void aPayloadWrittenWithEveryPropertyStillReads() {
    String whole =
        "{\"host\":\"h01\",\"outcome\":\"SUCCEEDED\",\"reason\":\"\",\"log\":\"/l\","
            + "\"healthChecks\":[],\"failure\":{\"step\":\"\",\"task\":\"\",\"detail\":\"\"}}";
    Payload p =
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFrom(whole, StandardCharsets.UTF_8))
            .build();
    assertEquals(
        new HostOutcome("h01", Outcome.SUCCEEDED, "", "/l"),
        WRITER.fromPayload(p, HostOutcome.class, HostOutcome.class));
  }
}
