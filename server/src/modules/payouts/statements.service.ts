import type { PayoutStatementInput, PayoutTransfersInput } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import { badInput } from "../../lib/errors.ts";
import type { ShopScope } from "../../scope.ts";
import { Money, csvLine } from "../stats/csv.ts";
import { holdCutoff, shopMoney } from "./balances.ts";

/**
 * `payout.summary`: available, pending (in hold, frozen, or being transferred) and paid-out
 * amounts in the shop's main currency (the one it holds most in), all from the ledger; the
 * other currencies, if any, in `others`.
 */
export async function payoutSummary(ctx: Pick<ShopScope, "db" | "shop" | "deps">, now = new Date()) {
  const money = await shopMoney(ctx.db, ctx.shop.id, holdCutoff(now, ctx.deps.config.PAYOUT_HOLD_DAYS));
  const main = [...money].sort((a, b) => Math.abs(b.balanceCents) + b.paidOutCents - (Math.abs(a.balanceCents) + a.paidOutCents))[0];
  const pick = (m: (typeof money)[number] | undefined, currency: string) => ({
    availableCents: m?.availableCents ?? 0,
    pendingCents: m?.pendingCents ?? 0,
    paidOutCents: m?.paidOutCents ?? 0,
    balanceCents: m?.balanceCents ?? 0,
    currency,
  });
  return { ...pick(main, main?.currency ?? "USD"), others: money.filter((m) => m !== main).map((m) => pick(m, m.currency)) };
}

/** `payout.transfers`: the shop's transfers, newest first, each with its seller order. */
export async function payoutTransfers(ctx: Pick<ShopScope, "db" | "shop">, input: PayoutTransfersInput) {
  const rows = await ctx.db.payoutTransfer.findMany({
    where: { shopId: ctx.shop.id, ...(input.cursor ? { id: { lt: input.cursor } } : {}) },
    orderBy: { id: "desc" },
    take: input.limit + 1,
    select: {
      id: true,
      sellerOrderId: true,
      amountCents: true,
      currency: true,
      status: true,
      providerRef: true,
      createdAt: true,
      paidAt: true,
      reversalStatus: true,
      reversalCents: true,
    } satisfies Prisma.PayoutTransferSelect,
  });
  const page = rows.slice(0, input.limit);
  const orders = await ctx.db.sellerOrder.findMany({
    where: { id: { in: page.map((r) => r.sellerOrderId) } },
    select: { id: true, orderId: true, subtotalCents: true, commissionCents: true, deliveredAt: true, status: true },
  });
  const byId = new Map(orders.map((o) => [o.id, o]));
  return {
    items: page.map(({ sellerOrderId, ...t }) => {
      const so = byId.get(sellerOrderId)!;
      return {
        ...t,
        reversedCents: t.reversalStatus === "REVERSED" ? t.reversalCents : 0,
        sellerOrders: [{ id: so.id, orderId: so.orderId, status: so.status, saleCents: so.subtotalCents, commissionCents: so.commissionCents, netCents: so.subtotalCents - so.commissionCents, deliveredAt: so.deliveredAt }],
      };
    }),
    nextCursor: rows.length > input.limit ? page[page.length - 1]!.id : null,
  };
}

const KIND_LABEL: Record<string, string> = {
  SALE: "Sale",
  COMMISSION: "Commission",
  REFUND: "Refund",
  COMMISSION_REFUND: "Commission refunded",
  PAYOUT: "Payout",
  PAYOUT_REVERSAL: "Payout reversed",
};

/**
 * `payout.statement`: the month's ledger lines (UTC) as CSV — each sale, commission, refund,
 * payout and reversal with its seller order — the opening and closing balances, and per-kind
 * totals, so the closing balance is the opening plus the lines.
 */
export async function payoutStatement(ctx: Pick<ShopScope, "db" | "shop">, input: PayoutStatementInput) {
  const [year, month] = input.month.split("-").map(Number) as [number, number];
  const from = new Date(Date.UTC(year, month - 1, 1));
  const to = new Date(Date.UTC(year, month, 1));
  if (from.getTime() > Date.now()) throw badInput("month", "That month has not begun");
  const lines = await ctx.db.ledgerEntry.findMany({
    where: { shopId: ctx.shop.id, createdAt: { gte: from, lt: to } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { createdAt: true, kind: true, amountCents: true, currency: true, sellerOrderId: true, sellerOrder: { select: { orderId: true } } },
  });
  const opening = await ctx.db.ledgerEntry.groupBy({ by: ["currency"], where: { shopId: ctx.shop.id, createdAt: { lt: from } }, _sum: { amountCents: true } });
  const currencies = [...new Set([...opening.map((o) => o.currency), ...lines.map((l) => l.currency)])].sort();
  let csv = csvLine(["Date (UTC)", "Type", "Seller order", "Order", "Amount", "Currency"]);
  for (const c of currencies) csv += csvLine([from, "Opening balance", null, null, new Money(opening.find((o) => o.currency === c)?._sum.amountCents ?? 0, c), c]);
  for (const l of lines) csv += csvLine([l.createdAt, KIND_LABEL[l.kind] ?? l.kind, l.sellerOrderId, l.sellerOrder.orderId, new Money(l.amountCents, l.currency), l.currency]);
  for (const c of currencies) {
    const mine = lines.filter((l) => l.currency === c);
    for (const kind of Object.keys(KIND_LABEL)) {
      const sum = mine.filter((l) => l.kind === kind).reduce((n, l) => n + l.amountCents, 0);
      if (sum !== 0) csv += csvLine([null, `Total: ${KIND_LABEL[kind]}`, null, null, new Money(sum, c), c]);
    }
    const close = (opening.find((o) => o.currency === c)?._sum.amountCents ?? 0) + mine.reduce((n, l) => n + l.amountCents, 0);
    csv += csvLine([new Date(to.getTime() - 1), "Closing balance", null, null, new Money(close, c), c]);
  }
  return { filename: `statement-${input.month}.csv`, csv };
}
