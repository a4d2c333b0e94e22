package dev.amble.notify;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads at most {@code cap} bytes of an HTTP reply's body and discards them; at the cap it stops
 * reading (the connection is closed), so a receiver that streams forever costs no memory.
 */
final class CappedBody implements HttpResponse.BodySubscriber<Void> {
  private final long cap;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private long read;

  CappedBody(long cap) {
    this.cap = cap;
  }

  static HttpResponse.BodyHandler<Void> handler(long cap) {
    return info -> new CappedBody(cap);
  }

  @Override
  public CompletionStage<Void> getBody() {
    return done;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    for (ByteBuffer b : item) {
      read += b.remaining();
    }
    if (read >= cap) {
      subscription.cancel();
      done.complete(null);
    } else {
      subscription.request(1);
    }
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }
}
