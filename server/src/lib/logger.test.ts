import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { requestLogger } from "./logger.ts";

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

describe("requestLogger: each request's logger", () => {
  it("binds the request id to every line a request writes", () => {
    const { logger, lines } = capture("info");
    requestLogger(logger, { reqId: "req-1" }, {}).warn("slow answer");
    expect(lines).toMatchObject([{ reqId: "req-1", msg: "slow answer" }]);
  });

  it("makes no child while the level writes nothing, unless the route asks for its own level", () => {
    const { logger, lines } = capture("silent");
    expect(requestLogger(logger, { reqId: "req-2" }, {})).toBe(logger);
    const own = requestLogger(logger, { reqId: "req-3" }, { level: "warn" });
    expect(own).not.toBe(logger);
    own.warn("written at the route's level");
    expect(lines).toMatchObject([{ reqId: "req-3" }]);
  });
});
