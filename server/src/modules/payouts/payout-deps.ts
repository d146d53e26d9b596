import type { Scope } from "../../scope.ts";

/** What the payout worker and webhooks need: the database and the app's dependencies, no user. */
export type PayoutDeps = Pick<Scope, "db" | "deps">;
