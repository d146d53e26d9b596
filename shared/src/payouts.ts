import { z } from "zod";
import { pageInput, text } from "./common.ts";

/** A page of the shop's transfers, newest first. */
export const payoutTransfersInput = z
  .strictObject({
    cursor: pageInput.cursor,
    limit: z.number().int().min(1).max(50).default(20),
  })
  .default({ limit: 20 });
export type PayoutTransfersInput = z.infer<typeof payoutTransfersInput>;

/** A calendar month (UTC) as `YYYY-MM`, for the monthly statement. */
export const payoutStatementInput = z.strictObject({
  month: text()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use a month as YYYY-MM")
    .refine((m) => Number(m.slice(0, 4)) >= 2000 && Number(m.slice(0, 4)) <= 2100, "Use a month between 2000 and 2100"),
});
export type PayoutStatementInput = z.infer<typeof payoutStatementInput>;

/** Where a transfer stands: PENDING (being made), PAID, FAILED (an admin may retry). */
export const PAYOUT_TRANSFER_STATUSES = ["PENDING", "PAID", "FAILED"] as const;
export type PayoutTransferStatus = (typeof PAYOUT_TRANSFER_STATUSES)[number];
