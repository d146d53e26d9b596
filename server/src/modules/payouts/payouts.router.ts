import { byIdInput, payoutStatementInput, payoutTransfersInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { adminProcedure, shopOwnerProcedure } from "../../trpc/init.ts";
import { accountStatus, connectAccount, refreshAccount } from "./connect.service.ts";
import { payoutOverview, retryTransfer } from "./payouts-admin.service.ts";
import { adminRefundSellerOrder } from "./refunds.ts";
import { payoutStatement, payoutSummary, payoutTransfers } from "./statements.service.ts";

/**
 * A shop's payouts: its owner only (shopOwnerProcedure loads the caller's own shop; no shop id
 * is ever taken from the client, and no amount either: every figure comes from the ledger).
 */
export const payoutRouter = {
  connect: shopOwnerProcedure.mutation(({ ctx }) => connectAccount(ctx)),
  account: shopOwnerProcedure.query(({ ctx }) => accountStatus(ctx)),
  refresh: shopOwnerProcedure.mutation(({ ctx }) => refreshAccount(ctx)),
  summary: shopOwnerProcedure.query(({ ctx }) => payoutSummary(ctx)),
  transfers: shopOwnerProcedure.input(payoutTransfersInput).query(({ ctx, input }) => payoutTransfers(ctx, input)),
  statement: shopOwnerProcedure.input(payoutStatementInput).query(({ ctx, input }) => payoutStatement(ctx, input)),
} satisfies TRPCRouterRecord;

/** The admins' side: revenue, money owed, failed transfers (retry), refunds after delivery. */
export const adminPayoutRouter = {
  overview: adminProcedure.query(({ ctx }) => payoutOverview(ctx)),
  retry: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => retryTransfer(ctx, input.id)),
  refund: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => adminRefundSellerOrder(ctx, input.id)),
} satisfies TRPCRouterRecord;
