import type { FastifyInstance } from "fastify";

/**
 * What a stopping server needs to know of its HTTP side: whether it is draining (readiness is
 * false, and each keep-alive connection is closed after its next answer, so a client's next
 * request opens a new connection that the balancer sends to another replica), and when the
 * requests under way have all ended.
 *
 * A request counts until both its handler has settled and its response is closed: a client that
 * went away does not end the work its request started (a checkout still commits, and its events
 * must still be published), and a streamed answer is still being written after its handler returned.
 */
export interface Drain {
  readonly draining: boolean;
  /** Readiness false from now on; keep-alive connections are closed after their next answer. */
  start(): void;
  /** Requests (handlers and responses) under way now. */
  readonly inFlight: number;
  /** Resolves once no request is under way. */
  idle(): Promise<void>;
}

/** Must be called before any route is added: it wraps each route's handler as it is added. */
export function trackDrain(app: FastifyInstance): Drain {
  let draining = false;
  let inFlight = 0;
  const waiters: (() => void)[] = [];

  const end = () => {
    inFlight -= 1;
    if (inFlight === 0) waiters.splice(0).forEach((resolve) => resolve());
  };
  /** The end of one piece of work; calling it again does nothing. */
  const begin = () => {
    inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      end();
    };
  };

  app.addHook("onRoute", (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, ...args: Parameters<typeof handler>) {
      const settled = begin();
      try {
        const result: unknown = handler.apply(this, args);
        if (result instanceof Promise) return result.finally(settled);
        settled();
        return result;
      } catch (err) {
        settled();
        throw err;
      }
    } as typeof handler;
  });

  // A response emits "close" once, when it has finished or its connection is gone: `end` itself
  // listens, shared by every response (no closure and no `once` wrapper per request).
  app.addHook("onRequest", (_req, reply, done) => {
    inFlight += 1;
    reply.raw.on("close", end);
    done();
  });

  app.addHook("onSend", (_req, reply, payload, done) => {
    if (draining) reply.header("connection", "close");
    done(null, payload);
  });

  return {
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    start() {
      draining = true;
    },
    idle() {
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
