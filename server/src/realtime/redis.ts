import { Redis, type RedisOptions } from "ioredis";

type Log = (level: "info" | "warn", msg: string) => void;

/**
 * The publishing Redis client of the Socket.IO adapter. While Redis is down it queues nothing
 * (memory stays bounded) and its failed publishes are caught here: the adapter does not await
 * them, and an unhandled rejection would end the process. Events then reach this process's own
 * sockets only, which one log line says at the start of each outage.
 */
class SafePublisher extends Redis {
  onPublishError: (err: Error) => void = () => {};
  override publish(...args: Parameters<Redis["publish"]>): ReturnType<Redis["publish"]> {
    const result = super.publish(...args);
    result.catch((err: Error) => this.onPublishError(err));
    return result;
  }
}

export interface RedisPair {
  pub: Redis;
  sub: Redis;
  close(): Promise<void>;
}

export function connectRedisPair(url: string, log: Log): RedisPair {
  const common: RedisOptions = {
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    maxRetriesPerRequest: 1,
  };
  const pub = new SafePublisher(url, { ...common, enableOfflineQueue: false });
  // The subscriber only ever sends the adapter's few (P)SUBSCRIBEs (and ready()'s PING): they wait
  // for a connection however long Redis is away, instead of failing after one retry. A replica
  // started during an outage then subscribes when Redis comes, and no rejected subscription is
  // left unhandled.
  const sub = new Redis(url, { ...common, maxRetriesPerRequest: null });
  let down = false;
  let closing = false;
  const onDown = (err?: Error) => {
    if (down || closing) return; // a shutdown is not an outage
    down = true;
    log("warn", `Redis unavailable${err ? ` (${err.message})` : ""}: real-time events reach this process's sockets only until it returns`);
  };
  pub.onPublishError = (err) => onDown(err);
  for (const client of [pub, sub]) {
    client.on("error", (err: Error) => onDown(err));
    client.on("end", () => onDown());
    client.on("ready", () => {
      if (down && pub.status === "ready" && sub.status === "ready") {
        down = false;
        log("info", "Redis is back: real-time events reach every process again");
      }
    });
  }
  return {
    pub,
    sub,
    async close() {
      closing = true;
      pub.disconnect();
      sub.disconnect();
    },
  };
}
