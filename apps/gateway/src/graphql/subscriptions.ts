import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import type { Context } from "graphql-ws";
import { useServer, type Extra } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import type { CallerIdentity } from "../auth.js";
import type { GatewayContext } from "./context.js";

export interface WebSocketLimits {
  /** Largest message read, in bytes; a larger one closes the socket (1009) as soon as its frame header says so. */
  maxPayloadBytes: number;
  /** Open sockets in all. */
  maxSockets: number;
  /** Open sockets from one client address (a web app relaying its viewers' progress is one address). */
  maxSocketsPerAddress: number;
  /** Sockets not yet accepted (no valid connection_init yet); each may hold a message of maxPayloadBytes. */
  maxUnauthenticated: number;
  /** Operations open at once over all the sockets of one API key. */
  maxOperationsPerKey: number;
  /** A ping every this often; a socket that has not answered the previous one is cut. */
  pingIntervalMs: number;
  /** A socket without any operation for this long is closed (measured at each ping). */
  idleTimeoutMs: number;
}

/** Sized for the load test's 1,000 subscribers of one key on one address, with room to spare. */
export const DEFAULT_WEBSOCKET_LIMITS: Omit<WebSocketLimits, "maxPayloadBytes"> = {
  maxSockets: 10_000,
  maxSocketsPerAddress: 2_000,
  maxUnauthenticated: 200,
  maxOperationsPerKey: 5_000,
  pingIntervalMs: 15_000,
  idleTimeoutMs: 60_000,
};

/** Closes a socket that has had no operation for the idle timeout; graphql-ws clients reconnect when they need to. */
const IDLE_CLOSE = { code: 1000, reason: "idle" } as const;

export interface SubscriptionServer {
  /** Closes every socket (completing their subscriptions) and stops accepting new ones. */
  dispose(): Promise<void>;
}

interface SocketState {
  address: string;
  identity: CallerIdentity | null;
  context: Context<Record<string, unknown>, Extra> | null;
  idleSince: number;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`,
  );
  socket.destroy();
}

/** Field suggestions name schema fields; production answers without them, as Apollo does over HTTP. */
function withoutSuggestions(errors: readonly GraphQLError[]): GraphQLError[] {
  return errors.map(
    (error) => new GraphQLError(error.message.replace(/ Did you mean .+\?$/, ""), { nodes: error.nodes, extensions: error.extensions }),
  );
}

/**
 * graphql-ws on the HTTP server's /graphql path. The API key comes from the connection
 * parameter `authorization` (browsers cannot set WebSocket headers) or the upgrade request's
 * Authorization header. A wrong header is refused at the upgrade (401) before any message is
 * read; otherwise a refused connection_init closes the socket with 4403. Sockets are capped
 * in all, per address and while unaccepted, operations per key, and messages by size.
 */
export function attachSubscriptionServer(
  httpServer: Server,
  options: {
    schema: GraphQLSchema;
    rules: readonly ValidationRule[];
    maxTokens: number;
    production: boolean;
    identify: (authorization: string | undefined) => CallerIdentity | null;
    context: () => GatewayContext;
    /** The formatter HTTP responses use, so errors look the same on both transports. */
    formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
    limits: WebSocketLimits;
  },
): SubscriptionServer {
  const { limits } = options;
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const rules = [...specifiedRules, ...options.rules];
  const states = new Map<WebSocket, SocketState>();
  const perAddress = new Map<string, number>();
  let unaccepted = 0;

  function openOperations(identity: CallerIdentity): number {
    let count = 0;
    for (const state of states.values()) {
      if (state.identity === identity && state.context) count += Object.keys(state.context.subscriptions).length;
    }
    return count;
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if ((req.url ?? "/").split("?")[0] !== "/graphql") return refuseUpgrade(socket, 404, "Not Found");
    const address = req.socket.remoteAddress ?? "unknown";
    if (states.size >= limits.maxSockets || unaccepted >= limits.maxUnauthenticated) {
      return refuseUpgrade(socket, 503, "Service Unavailable");
    }
    if ((perAddress.get(address) ?? 0) >= limits.maxSocketsPerAddress) return refuseUpgrade(socket, 429, "Too Many Requests");
    if (req.headers.authorization !== undefined && options.identify(req.headers.authorization) === null) {
      return refuseUpgrade(socket, 401, "Unauthorized");
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => {
      states.set(ws, { address, identity: null, context: null, idleSince: Date.now() });
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      unaccepted += 1;
      ws.once("close", () => {
        const state = states.get(ws);
        states.delete(ws);
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
        if (!state?.context) unaccepted -= 1;
      });
      wsServer.emit("connection", ws, req);
    });
  }
  httpServer.on("upgrade", onUpgrade);

  const idleCheck = setInterval(() => {
    const now = Date.now();
    for (const [ws, state] of states) {
      if (!state.context || Object.keys(state.context.subscriptions).length > 0) state.idleSince = now;
      else if (now - state.idleSince >= limits.idleTimeoutMs) ws.close(IDLE_CLOSE.code, IDLE_CLOSE.reason);
    }
  }, limits.pingIntervalMs);
  idleCheck.unref();

  const cleanup = useServer(
    {
      schema: options.schema,
      onConnect: (ctx) => {
        const param = ctx.connectionParams?.authorization;
        const identity = options.identify(typeof param === "string" ? param : ctx.extra.request.headers.authorization);
        const state = states.get(ctx.extra.socket);
        if (identity === null || !state) return false;
        state.identity = identity;
        state.context = ctx;
        state.idleSince = Date.now();
        unaccepted -= 1;
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const identity = states.get(ctx.extra.socket)?.identity;
        // ctx.subscriptions already holds this operation.
        if (!identity || openOperations(identity) > limits.maxOperationsPerKey) {
          return [
            new GraphQLError(
              `this API key already has ${limits.maxOperationsPerKey} operations open, the most allowed at once; end one first`,
            ),
          ];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens });
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError("the query could not be parsed")];
        }
        const errors = validate(options.schema, document, rules);
        if (errors.length > 0) return options.production ? withoutSuggestions(errors) : [...errors];
        return { schema: options.schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: () => options.context(),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => options.formatError(error.toJSON(), error)) } : undefined,
    },
    wsServer,
    limits.pingIntervalMs,
  );
  return {
    async dispose() {
      clearInterval(idleCheck);
      httpServer.off("upgrade", onUpgrade);
      await cleanup.dispose();
    },
  };
}
