import type { DoctorCheck } from "./check.ts";
import { catalogFigures } from "./checks/catalog-figures.ts";
import { ledgerEntries } from "./checks/ledger-entries.ts";
import { orderStatus } from "./checks/order-status.ts";
import { orderStock } from "./checks/order-stock.ts";
import { orderTotals } from "./checks/order-totals.ts";
import { ratingFigures } from "./checks/rating-figures.ts";
import { stockConservation } from "./checks/stock-conservation.ts";
import { unpaidPastExpiry } from "./checks/unpaid-past-expiry.ts";
import { payoutChecks } from "../payouts/payout-checks.ts";

/**
 * How long after its expiry an unpaid order may still be waiting for the sweeper: two of its
 * intervals and a minute, at least five minutes.
 */
export function expiryGraceSeconds(sweepIntervalSeconds: number): number {
  return Math.max(300, 2 * sweepIntervalSeconds + 60);
}

/** Every check `pnpm doctor` and `admin.doctor` run, in the order they are printed. */
export function doctorChecks(options: { sweepIntervalSeconds: number }): DoctorCheck[] {
  return [
    stockConservation,
    orderStock,
    unpaidPastExpiry(expiryGraceSeconds(options.sweepIntervalSeconds)),
    orderTotals,
    ledgerEntries,
    orderStatus,
    catalogFigures,
    ratingFigures,
    // Seller payouts' money rules (charge split, balances, transfers less reversals).
    ...payoutChecks,
  ];
}
