package dev.amble.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Figures read back from the server: histories (events and bytes, as the server returns them) and
 * the size of every Payload found anywhere in them, by walking each protobuf message.
 */
final class HistoryStats {
  /** The largest payload of one kind of thing, and where it was. */
  static final class Largest {
    long bytes;
    String where = "";

    void offer(long size, String at) {
      if (size > bytes) {
        bytes = size;
        where = at;
      }
    }
  }

  /** One history read back. */
  record History(List<HistoryEvent> events, long bytes) {
    HistoryEvent last() {
      return events.get(events.size() - 1);
    }
  }

  final Map<String, Largest> largest = new LinkedHashMap<>();
  private final WorkflowServiceStubs stubs;

  HistoryStats(WorkflowServiceStubs stubs) {
    this.stubs = stubs;
  }

  Largest of(String kind) {
    return largest.computeIfAbsent(kind, k -> new Largest());
  }

  /** The largest over every kind. */
  Largest overall() {
    Largest all = new Largest();
    largest.forEach((k, l) -> all.offer(l.bytes, k + ": " + l.where));
    return all;
  }

  History history(String workflowId, String runId) {
    List<HistoryEvent> events = new ArrayList<>();
    long bytes = 0;
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryRequest.Builder r =
          GetWorkflowExecutionHistoryRequest.newBuilder()
              .setNamespace("default")
              .setExecution(
                  WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
              .setNextPageToken(token);
      GetWorkflowExecutionHistoryResponse response =
          stubs
              .blockingStub()
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .getWorkflowExecutionHistory(r.build());
      for (HistoryEvent e : response.getHistory().getEventsList()) {
        events.add(e);
        bytes += e.getSerializedSize();
      }
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return new History(events, bytes);
  }

  /** Reads a history and offers each of its payloads under {@code kind}. */
  History scan(String kind, String workflowId, String runId) {
    History h = history(workflowId, runId);
    for (HistoryEvent e : h.events()) {
      walk(
          kind,
          e,
          workflowId
              + " run "
              + runId
              + " event "
              + e.getEventId()
              + " "
              + eventName(e.getEventType()),
          "");
    }
    return h;
  }

  static String eventName(EventType t) {
    return t.name().replace("EVENT_TYPE_", "");
  }

  /** Every Payload inside {@code m}, at any depth (maps and repeated fields included). */
  void walk(String kind, Message m, String where, String path) {
    if (m instanceof Payload p) {
      of(kind).offer(p.getSerializedSize(), where + " " + path);
      return;
    }
    for (Map.Entry<FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
      FieldDescriptor d = f.getKey();
      if (d.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (d.isRepeated()) {
        int i = 0;
        for (Object o : (List<?>) f.getValue()) {
          Message child = (Message) o;
          String at = path + "." + d.getName();
          if (d.isMapField()) {
            Object key = child.getField(child.getDescriptorForType().findFieldByName("key"));
            walk(
                kind,
                (Message) child.getField(child.getDescriptorForType().findFieldByName("value")),
                where,
                at + "[" + key + "]");
          } else {
            walk(kind, child, where, at + "[" + i + "]");
          }
          i++;
        }
      } else {
        walk(kind, (Message) f.getValue(), where, path + "." + d.getName());
      }
    }
  }

  /** Adds each event's count and bytes to its type's. */
  static void countByType(History h, Map<String, long[]> byType) {
    for (HistoryEvent e : h.events()) {
      long[] c = byType.computeIfAbsent(e.getEventType().name(), k -> new long[2]);
      c[0]++;
      c[1] += e.getSerializedSize();
    }
  }

  /** Events and bytes of each type, per host, largest first. */
  static void printByType(String what, Map<String, long[]> byType, int hosts) {
    System.out.printf("  %s, by event type (events, bytes):%n", what);
    byType.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
        .forEach(
            e ->
                System.out.printf(
                    "    %-50s %6.2f %7.0f%n",
                    e.getKey().replace("EVENT_TYPE_", ""),
                    e.getValue()[0] / (double) hosts,
                    e.getValue()[1] / (double) hosts));
  }
}
