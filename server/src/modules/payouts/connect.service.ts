import type { Db, Tx } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { EventBuffer } from "../../realtime/publish.ts";
import type { ShopScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import type { ConnectedAccountState } from "../payments/connect.ts";

/** Where the provider's onboarding sends the seller back: done (return) or the link expired (refresh). */
export function onboardingUrls(publicUrl: string) {
  return { returnUrl: `${publicUrl}/seller/payouts?onboarding=return`, refreshUrl: `${publicUrl}/seller/payouts?onboarding=refresh` };
}

/**
 * `payout.connect`: the shop's connected account (created once, keyed `account-<shopId>` at the
 * provider) and a fresh onboarding link to it. The test provider's accounts are enabled at once
 * and its link leads straight back. Only the shop's owners get here (the `payouts` permission).
 */
export async function connectAccount(ctx: ShopScope): Promise<{ url: string }> {
  const provider = ctx.deps.payments;
  let account = await ctx.db.payoutAccount.findUnique({ where: { shopId: ctx.shop.id }, select: { accountRef: true } });
  if (!account) {
    const state = await provider.createConnectedAccount({ shopId: ctx.shop.id, email: ctx.user.email, idempotencyKey: `account-${ctx.shop.id}` });
    try {
      await ctx.db.payoutAccount.create({ data: { shopId: ctx.shop.id, provider: provider.name, ...stateColumns(state) } });
    } catch (err) {
      // Two clicks at once: the provider answered both with the same account (same key).
      if (!isUniqueViolation(err)) throw err;
    }
    account = { accountRef: state.accountRef };
  }
  return provider.createAccountLink({ accountRef: account.accountRef, ...onboardingUrls(ctx.deps.config.publicUrl) });
}

/** What the seller area shows: connected or not, what Stripe still needs, and the hold. */
export async function accountStatus(ctx: Pick<ShopScope, "db" | "shop" | "deps">) {
  const row = await ctx.db.payoutAccount.findUnique({
    where: { shopId: ctx.shop.id },
    select: { chargesEnabled: true, payoutsEnabled: true, detailsSubmitted: true, requirements: true, disabledReason: true, updatedAt: true },
  });
  return {
    connected: row !== null,
    chargesEnabled: row?.chargesEnabled ?? false,
    payoutsEnabled: row?.payoutsEnabled ?? false,
    detailsSubmitted: row?.detailsSubmitted ?? false,
    requirements: Array.isArray(row?.requirements) ? (row.requirements as unknown[]).filter((r): r is string => typeof r === "string") : [],
    disabledReason: row?.disabledReason ?? null,
    holdDays: ctx.deps.config.PAYOUT_HOLD_DAYS,
    provider: ctx.deps.payments.name,
  };
}

/** The seller came back from onboarding: the account is read from the provider (webhooks may lag). */
export async function refreshAccount(ctx: ShopScope) {
  const row = await ctx.db.payoutAccount.findUnique({ where: { shopId: ctx.shop.id }, select: { accountRef: true } });
  if (row) {
    const state = await ctx.deps.payments.retrieveAccount(row.accountRef);
    await inTransaction(ctx, (tx, events) => applyAccountState(tx, events, state));
  }
  return accountStatus(ctx);
}

/**
 * An `account.updated` (or a read on return): the account's flags and requirements as the
 * provider says now. Unknown accounts are ignored. Returns whether a row changed.
 */
export async function applyAccountState(tx: Tx | Db, events: EventBuffer, state: ConnectedAccountState): Promise<boolean> {
  const before = await tx.payoutAccount.findUnique({ where: { accountRef: state.accountRef }, select: { shopId: true, payoutsEnabled: true } });
  if (!before) return false;
  await tx.payoutAccount.update({ where: { accountRef: state.accountRef }, data: stateColumns(state) });
  if (before.payoutsEnabled !== state.payoutsEnabled) {
    await recordActivity(tx as Tx, events, {
      kind: "payout.account_updated",
      summary: `Payouts ${state.payoutsEnabled ? "enabled" : "disabled"} for a shop's account${state.disabledReason ? ` (${state.disabledReason})` : ""}`,
      subject: { type: "shop", id: before.shopId },
    });
  }
  return true;
}

function stateColumns(state: ConnectedAccountState) {
  return {
    accountRef: state.accountRef,
    chargesEnabled: state.chargesEnabled,
    payoutsEnabled: state.payoutsEnabled,
    detailsSubmitted: state.detailsSubmitted,
    requirements: state.requirements,
    disabledReason: state.disabledReason,
  };
}
