import { Redis, type RedisOptions } from "ioredis";

type Log = (level: "info" | "warn", msg: string) => void;

/**
 * The Redis client of the Socket.IO adapter (@socket.io/redis-streams-adapter). It writes the
 * events to the stream (XADD), the sessions kept for connection state recovery (SET) and the
 * adapter's few pub/sub requests; the adapter duplicates it for its readers.
 *
 * While Redis is down it queues nothing (memory stays bounded) and its failed commands are caught
 * here: the adapter awaits some (a failed XADD still reaches this process's own sockets) but not
 * all (a session's SET, a PUBLISH), and an unhandled rejection would end the process. One log line
 * says so at the start of each outage.
 */
class AdapterClient extends Redis {
  onCommandError: (err: Error) => void = () => {};
  /** The adapter's readers, closed with this client (the adapter would wait for their blocked XREAD). */
  readonly readers: Redis[] = [];

  override sendCommand(...args: Parameters<Redis["sendCommand"]>): unknown {
    const result = super.sendCommand(...args);
    // An error Redis answered (a ReplyError: a command this Redis does not know, such as the
    // CLIENT SETINFO that ioredis sends on connecting to Redis before 7.2) says Redis is there.
    if (result instanceof Promise) result.catch((err: Error) => err.name === "ReplyError" || this.onCommandError(err));
    return result;
  }

  /**
   * The adapter's readers block on XREAD in a loop: they wait for a connection however long Redis
   * is away, instead of failing at once and looping without pause.
   */
  override duplicate(override?: Partial<RedisOptions>): Redis {
    const reader = new StreamReader({ ...this.options, enableOfflineQueue: true, maxRetriesPerRequest: null, ...override });
    this.readers.push(reader);
    return reader;
  }
}

/**
 * A reader of the adapter's stream. The adapter reads again as soon as a read ends, failed or
 * not; a read that fails at once (a connection closed for good) would make that loop spin on
 * promises alone and starve the process (no timer, no request, no exit). A failed read is
 * reported only after a pause.
 */
class StreamReader extends Redis {
  /** The reads already given their pause: ioredis sends a read again after a reconnect. */
  private readonly paced = new WeakSet<object>();

  override sendCommand(...args: Parameters<Redis["sendCommand"]>): unknown {
    const result = super.sendCommand(...args);
    if (!(result instanceof Promise)) return result;
    const command = args[0];
    // The adapter does not await its subscriber's commands: one cut by a disconnect (Redis away
    // while the server closes) must not become an unhandled rejection.
    if (command?.name !== "xread") {
      result.catch(() => {});
      return result;
    }
    // A read queued while Redis was away is sent again, through here, once Redis is back; its
    // caller already holds the paused promise, and a second one, that nobody awaits, would end as
    // an unhandled rejection if that read then fails.
    if (this.paced.has(command)) return result;
    this.paced.add(command);
    return result.catch((err: unknown) => new Promise((_, reject) => setTimeout(() => reject(err as Error), READ_RETRY_PAUSE_MS).unref()));
  }
}
export const READ_RETRY_PAUSE_MS = 500;

export interface AdapterRedis {
  client: Redis;
  /**
   * Resolves true once the adapter's readers are connected (what other processes publish reaches
   * this one), or false after `timeoutMs` (Redis unreachable).
   */
  connected(timeoutMs: number): Promise<boolean>;
  /** Sends what is still queued (events, sessions of the sockets just closed), then disconnects. */
  close(): Promise<void>;
}

export function connectAdapterRedis(url: string, log: Log): AdapterRedis {
  const client = new AdapterClient(url, {
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  let down = false;
  let closing = false;
  const onDown = (err?: Error) => {
    if (down || closing) return; // a shutdown is not an outage
    down = true;
    log("warn", `Redis unavailable${err ? ` (${err.message})` : ""}: real-time events reach this process's sockets only until it returns`);
  };
  client.onCommandError = (err) => onDown(err);
  client.on("error", (err: Error) => onDown(err));
  client.on("end", () => onDown());
  client.on("ready", () => {
    if (down) {
      down = false;
      log("info", "Redis is back: real-time events reach every process again");
    }
  });
  const allReady = () => client.status === "ready" && client.readers.every((r) => r.status === "ready");
  return {
    client,
    async connected(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!allReady()) {
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 10));
      }
      return client.ping().then(
        () => true,
        () => false,
      );
    },
    async close() {
      closing = true;
      // QUIT is answered after every command sent before it: the last events and sessions are in Redis.
      await Promise.race([client.quit().catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())]);
      client.disconnect();
      client.readers.forEach((r) => r.disconnect());
    },
  };
}
