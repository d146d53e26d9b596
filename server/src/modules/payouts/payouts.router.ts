import { byIdInput, payoutStatementInput, payoutTransfersInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { adminProcedure, shopProcedure } from "../../trpc/init.ts";
import { accountStatus, connectAccount, refreshAccount } from "./connect.service.ts";
import { payoutOverview, retryTransfer } from "./payouts-admin.service.ts";
import { adminRefundSellerOrder } from "./refunds.ts";
import { payoutStatement, payoutSummary, payoutTransfers } from "./statements.service.ts";

/**
 * A shop's payouts: its owners only (the `payouts` permission of shared/src/teams.ts; the shop is
 * one the caller is a member of, checked on the server; no amount ever comes from the client:
 * every figure comes from the ledger).
 */
export const payoutRouter = {
  connect: shopProcedure("payouts").mutation(({ ctx }) => connectAccount(ctx)),
  account: shopProcedure("payouts").query(({ ctx }) => accountStatus(ctx)),
  refresh: shopProcedure("payouts").mutation(({ ctx }) => refreshAccount(ctx)),
  summary: shopProcedure("payouts").query(({ ctx }) => payoutSummary(ctx)),
  transfers: shopProcedure("payouts").input(payoutTransfersInput).query(({ ctx, input }) => payoutTransfers(ctx, input)),
  statement: shopProcedure("payouts").input(payoutStatementInput).query(({ ctx, input }) => payoutStatement(ctx, input)),
} satisfies TRPCRouterRecord;

/** The admins' side: revenue, money owed, failed transfers (retry), refunds after delivery. */
export const adminPayoutRouter = {
  overview: adminProcedure.query(({ ctx }) => payoutOverview(ctx)),
  retry: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => retryTransfer(ctx, input.id)),
  refund: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => adminRefundSellerOrder(ctx, input.id)),
} satisfies TRPCRouterRecord;
