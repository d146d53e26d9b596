import { loadConfig, type Config } from "../config.ts";
import { memoryLimiterStore, type LimiterStore } from "../lib/rate-limiter.ts";
import { hashPassword } from "../modules/auth/password.ts";
import type { OutgoingEvent, EventSink, RoomChange } from "../realtime/publish.ts";
import { createContextInner, MemoryCookieJar, type AppDeps } from "../trpc/context.ts";
import { createCaller } from "../trpc/root.ts";
import type { Role } from "@marketplace/shared";
import { createTestDatabase, type TestDatabase } from "./db.ts";
import { TestPaymentProvider } from "../modules/payments/provider.ts";
import { createMetrics } from "../metrics/metrics.ts";

/** Remembers what would have been pushed to sockets, for assertions. */
export class RecordingSink implements EventSink {
  roomChanges: RoomChange[] = [];
  events: OutgoingEvent[] = [];
  revokedSessions: string[] = [];
  roomsChanged(changes: RoomChange[]) {
    this.roomChanges.push(...changes);
  }
  emit(events: OutgoingEvent[]) {
    this.events.push(...events);
  }
  sessionsRevoked(ids: string[]) {
    this.revokedSessions.push(...ids);
  }
}

export const TEST_PASSWORD = "correct-horse-battery";
let testPasswordHash: Promise<string> | undefined;

export interface TestApp {
  /** What callers use; replace with a started server's `deps` to reach its sockets. */
  deps: AppDeps;
  database: TestDatabase;
  sink: RecordingSink;
  limits: LimiterStore;
  /** A caller with no session. */
  anon(opts?: { ip?: string }): Promise<ReturnType<typeof createCaller>>;
  /** A caller holding this session token (as a browser sending the cookie). */
  as(token: string | null, opts?: { ip?: string; shopId?: string }): Promise<ReturnType<typeof createCaller>>;
  /**
   * Creates a user directly in the database (password TEST_PASSWORD unless given), with a verified
   * email unless `verified: false`.
   */
  createUser(opts?: { email?: string; name?: string; role?: Role; password?: string; verified?: boolean }): Promise<{ id: string; email: string }>;
  /** Signs in through auth.login; returns the session token and a caller that uses it. */
  signIn(email: string, password?: string): Promise<{ token: string; caller: ReturnType<typeof createCaller> }>;
  close(): Promise<void>;
}

let userCounter = 0;

/** A fresh database and the dependencies the server would build, for integration tests. */
export async function createTestApp(opts: { config?: Partial<Record<string, string>>; limits?: LimiterStore } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config: Config = loadConfig({ NODE_ENV: "test", ...opts.config });
  const sink = new RecordingSink();
  const limits = opts.limits ?? memoryLimiterStore();
  const payments = new TestPaymentProvider();
  const deps: AppDeps = { config, database, limits, sink, payments, metrics: createMetrics() };
  // Callers read `app.deps` when made, so a test that starts a server can swap in its deps
  // (whose sink reaches the real sockets).
  const as = async (token: string | null, o: { ip?: string; shopId?: string } = {}) =>
    createCaller(await createContextInner({ deps: app.deps, sessionToken: token, ip: o.ip ?? "10.0.0.1", cookies: new MemoryCookieJar(), shopId: o.shopId ?? null }));
  const app: TestApp = {
    deps,
    database,
    sink,
    limits,
    anon: (o) => as(null, o),
    as,
    async createUser(u = {}) {
      userCounter += 1;
      const email = u.email ?? `user${userCounter}-${Date.now()}@example.test`;
      const passwordHash = u.password ? await hashPassword(u.password) : await (testPasswordHash ??= hashPassword(TEST_PASSWORD));
      return database.prisma.user.create({
        data: {
          email,
          name: u.name ?? `User ${userCounter}`,
          role: u.role ?? "BUYER",
          passwordHash,
          emailVerifiedAt: u.verified === false ? null : new Date(),
        },
        select: { id: true, email: true },
      });
    },
    async signIn(email, password = TEST_PASSWORD) {
      const cookies = new MemoryCookieJar();
      const caller = createCaller(await createContextInner({ deps: app.deps, cookies, ip: "10.0.0.2" }));
      await caller.auth.login({ email, password });
      if (!cookies.token) throw new Error("login set no session cookie");
      return { token: cookies.token, caller: await as(cookies.token) };
    },
    close: () => database.close(),
  };
  return app;
}
