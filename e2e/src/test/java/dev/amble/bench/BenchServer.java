package dev.amble.bench;

import dev.amble.worker.EmbeddedTemporal;

/**
 * Temporal's in-memory test server in a process of its own (so that its CPU is measured apart from
 * the bench's): dev.amble.worker.EmbeddedTemporal on 127.0.0.1:PORT. Prints "listening" once it
 * serves; runs until killed.
 */
public final class BenchServer {
  private BenchServer() {}

  public static void main(String[] args) throws Exception {
    EmbeddedTemporal server = EmbeddedTemporal.on(Integer.parseInt(args[0]));
    System.out.println("listening " + server.address());
    System.out.flush();
    Thread.currentThread().join();
  }
}
