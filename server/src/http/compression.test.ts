import Fastify, { type FastifyInstance } from "fastify";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable, Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { until } from "../test/until.ts";
import { registerCompression } from "./compression.ts";

/**
 * A browser that leaves a page drops the answers still coming in. With compression, an answer
 * streamed through the compressor whose first compressed bytes had not gone out yet (brotli holds
 * small pieces back) used to be taken for a server failure: "Premature close" logged as a 500
 * error. A client going away is no error of the server's.
 */
interface LogLine {
  level: number;
  msg: string;
  err?: { message?: string };
}

let app: FastifyInstance;
let logs: LogLine[];
let closed: number;

/** An answer that arrives in small pieces, 25 ms apart: compressed, nothing leaves for a while. */
function slowAnswer(): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < 20; i++) {
        yield JSON.stringify({ piece: i, text: "a marketplace answer ".repeat(60) });
        await new Promise((r) => setTimeout(r, 25));
      }
    })(),
  );
}

beforeEach(async () => {
  logs = [];
  closed = 0;
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  app = Fastify({ logger: { level: "info", stream } });
  await registerCompression(app);
  app.addHook("onRequest", async (req) => {
    req.raw.once("close", () => closed++);
  });
  app.post("/slow", async (_req, reply) => reply.type("application/json").send(slowAnswer()));
  app.get("/slow", async (_req, reply) => reply.type("application/json").send(slowAnswer()));
  // An answer that starts only after work (a sign-in's password check): the client may be gone first.
  app.post("/late", async (_req, reply) => {
    await new Promise((r) => setTimeout(r, 150));
    return reply.type("application/json").send(slowAnswer());
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
});

afterEach(async () => {
  await app.close();
});

function port(): number {
  return (app.server.address() as AddressInfo).port;
}

/** Sends a request accepting `encoding` and drops the connection after `dropAfterMs`, or at the first bytes. */
function requestAndDrop(method: "GET" | "POST", encoding: string, drop: { afterMs: number } | "at-first-bytes", path = "/slow"): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port: port(), method, path, headers: { "accept-encoding": encoding, "content-type": "application/json" } },
      (res) => {
        if (drop === "at-first-bytes") res.once("data", () => req.destroy());
      },
    );
    req.on("error", () => {});
    req.on("close", () => resolve());
    req.end(method === "POST" ? "{}" : undefined);
    if (drop !== "at-first-bytes") setTimeout(() => req.destroy(), drop.afterMs);
  });
}

async function answersAfterwards(): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port()}/slow`, { headers: { "accept-encoding": "gzip" } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-encoding")).toBe("gzip");
  expect((await res.text()).length).toBeGreaterThan(0);
}

const errorsLogged = () => logs.filter((l) => l.level >= 50).map((l) => `${l.msg} (${l.err?.message ?? ""})`);

describe("a client that drops a compressed answer", () => {
  for (const encoding of ["br", "gzip"]) {
    it(`before its first ${encoding} bytes (a POST, its body read) logs no error and the server goes on`, async () => {
      await requestAndDrop("POST", encoding, { afterMs: 30 });
      await until(() => closed === 1, "the server to see the connection close");
      // The compressor's stream ends a moment after the connection: give its error time to surface.
      await new Promise((r) => setTimeout(r, 200));
      expect(errorsLogged()).toEqual([]);
      await answersAfterwards();
    });

    it(`before the handler answers at all (${encoding}, the connection gone before the answer starts) logs no error`, async () => {
      await requestAndDrop("POST", encoding, { afterMs: 30 }, "/late");
      await until(() => closed === 1, "the server to see the connection close");
      // The handler answers 150 ms after the request came; its stream then meets a closed connection.
      await new Promise((r) => setTimeout(r, 400));
      expect(errorsLogged()).toEqual([]);
      await answersAfterwards();
    });

    it(`mid-stream after its first ${encoding} bytes logs no error and the server goes on`, async () => {
      await requestAndDrop("GET", encoding, "at-first-bytes");
      await until(() => closed === 1, "the server to see the connection close");
      await new Promise((r) => setTimeout(r, 200));
      expect(errorsLogged()).toEqual([]);
      await answersAfterwards();
    });
  }
});
