import { Prisma } from "../../../generated/prisma/client.ts";
import { tally, type DoctorCheck } from "../check.ts";

/**
 * No unpaid order may hold stock past its hold: the sweeper cancels it within a sweep or two, so
 * one still unpaid `graceSeconds` after its expiry (or with no expiry at all) means the sweeper
 * is not running or cannot cancel it. Measured against the snapshot's own clock.
 */
export function unpaidPastExpiry(graceSeconds: number): DoctorCheck {
  return {
    name: "unpaid-past-expiry",
    description: `no unpaid order is still unpaid ${graceSeconds} s after its hold expired (the sweeper cancels it), nor has no expiry`,
    run: (tx) =>
      tally(tx, Prisma.sql`
        SELECT "id", "expires_at" IS NOT NULL AND "expires_at" >= now() - make_interval(secs => ${graceSeconds}::int) AS "ok"
          FROM "orders" WHERE "status" = 'PENDING_PAYMENT'`),
  };
}
