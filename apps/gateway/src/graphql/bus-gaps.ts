import type { NatsConnection } from "@aq/platform/bus";

/**
 * Tells listeners when this gateway may have missed core NATS messages: after a reconnect
 * (core NATS delivers at most once, so what was published while disconnected is gone) or when
 * the client dropped messages for a slow subscription. One watcher for all subscriptions.
 */
export class BusGaps {
  private readonly listeners = new Set<() => void>();

  constructor(nc: NatsConnection) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === "reconnect" || status.type === "slowConsumer") for (const listener of this.listeners) listener();
      }
    })();
  }

  /** Calls `listener` at every gap; returns the function that stops it. */
  onGap(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
