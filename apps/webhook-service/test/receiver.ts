import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { webhookEventSchema, WEBHOOK_HEADERS, type WebhookEvent } from "@aq/contracts";

export interface ReceivedDelivery {
  path: string;
  body: string;
  event: WebhookEvent;
  signature: string;
  attempt: number;
  /** What the receiver did with it. */
  answer: number | "hung";
}

/** How the receiver answers a request: a status code, or "hang" (never answer). */
export type Behaviour = (delivery: Omit<ReceivedDelivery, "answer">, earlierTries: number) => number | "hang";

/**
 * A webhook receiver on loopback, as an application would run one: it records every request,
 * and answers each path as its behaviour says (200 by default).
 */
export class Receiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private server!: Server;
  private hanging = new Set<ServerResponse>();
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  at(path: string): ReceivedDelivery[] {
    return this.received.filter((r) => r.path === path);
  }

  /** The events a path answered 2xx, each once (as a receiver deduplicating on the event id sees them), in arrival order. */
  accepted(path: string): WebhookEvent[] {
    const seen = new Set<string>();
    return this.at(path)
      .filter((r) => typeof r.answer === "number" && r.answer < 300 && !seen.has(r.event.id) && seen.add(r.event.id))
      .map((r) => r.event);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      const delivery = {
        path,
        body,
        event: webhookEventSchema.parse(JSON.parse(body)) as WebhookEvent,
        signature: String(req.headers[WEBHOOK_HEADERS.signature] ?? ""),
        attempt: Number(req.headers[WEBHOOK_HEADERS.attempt]),
      };
      const earlier = this.received.filter((r) => r.path === path && r.event.id === delivery.event.id).length;
      const answer = (this.behaviours.get(path) ?? (() => 200))(delivery, earlier);
      this.received.push({ ...delivery, answer: answer === "hang" ? "hung" : answer });
      if (answer === "hang") {
        this.hanging.add(res);
        return;
      }
      res.writeHead(answer).end();
    });
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
