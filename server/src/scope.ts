import type { Role, ShopRole, UserStatus } from "@marketplace/shared";
import type { Config } from "./config.ts";
import type { Database, Db } from "./db/client.ts";
import type { LimiterStore } from "./lib/rate-limiter.ts";
import type { SharedCacheStore } from "./lib/shared-cache-store.ts";
import type { Metrics } from "./metrics/metrics.ts";
import type { EventSink } from "./realtime/publish.ts";
import type { PaymentProvider } from "./modules/payments/provider.ts";

/** What every request can reach, made once at start. */
export interface AppDeps {
  config: Config;
  database: Database;
  /** Where attempt limits are counted: this process, or Redis shared by every replica. */
  limits: LimiterStore;
  sink: EventSink;
  payments: PaymentProvider;
  /** This server's Prometheus registry and instruments: services count here (metrics/metrics.ts). */
  metrics: Metrics;
  /**
   * Where caches worth sharing between processes keep their entries (Redis with REDIS_URL): the
   * catalog's search results. Absent: each process caches for itself.
   */
  sharedCache?: SharedCacheStore;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  /** The current email was proved by a mailed link (opening a shop needs it). */
  emailVerified: boolean;
  /** Sign-in asks for a code from an authenticator app too. */
  twoFactorEnabled: boolean;
}

/**
 * What a service is given: who asks, from where, and what it may reach. Nothing of HTTP or tRPC
 * (no cookies, no request): the tRPC context is one way to build it, a test or a script another.
 */
export interface Scope {
  deps: AppDeps;
  db: Db;
  user: SessionUser | null;
  sessionId: string | null;
  ip: string;
  userAgent: string | null;
}

/** A signed-in user with a live session. */
export type AuthedScope = Scope & { user: SessionUser; sessionId: string };

/** The shop a request acts on, loaded by the server from the caller's memberships (a shop id the client names is only a choice among them). */
export interface OwnShop {
  id: string;
  name: string;
  slug: string;
  status: "PENDING" | "ACTIVE" | "SUSPENDED";
}

/** The caller's place in that shop: their role (what it may do is shared/src/teams.ts). */
export interface ShopMemberOf {
  role: ShopRole;
}

/** A signed-in member of a shop, with the shop the request acts on and their role in it. */
export type ShopScope = AuthedScope & { shop: OwnShop; member: ShopMemberOf };
