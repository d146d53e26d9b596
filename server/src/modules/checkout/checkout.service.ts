import { createHash } from "node:crypto";
import { MAX_ORDER_TOTAL_CENTS, shippingAddressSchema, type OrderStatus, type PlaceOrderInput, type ShippingAddress } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import { DomainError, conflict } from "../../lib/errors.ts";
import { inTransaction } from "../../lib/transaction.ts";
import type { AuthedScope } from "../../scope.ts";
import { recordActivity } from "../activity/activity.service.ts";
import { lockCart } from "../cart/cart.service.ts";
import { takeStock } from "../orders/stock.ts";
import { ensurePayment, type PendingPayment } from "../payments/payments.service.ts";
import { assertHoldAllowed, orderTooLargeMessage } from "./order-limits.ts";
import { insertOrder, readCartForOrder, type CartLineForOrder } from "./order-rows.ts";

const orderTooLarge = (currency: string) => new DomainError("BAD_REQUEST", orderTooLargeMessage(currency));

/** What the request hash covers of a cart line. */
interface OrderedLine {
  variantId: string;
  quantity: number;
}

/** Same key and same request → same order; the request is the address and the cart's lines. */
function requestHash(address: PlaceOrderInput["shippingAddress"], lines: OrderedLine[]): string {
  const canonical = JSON.stringify({
    address: Object.fromEntries(Object.entries(address).sort(([a], [b]) => (a < b ? -1 : 1))),
    lines: [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1)).map((l) => [l.variantId, l.quantity]),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

async function readCart(tx: Tx | AuthedScope["db"], userId: string): Promise<OrderedLine[]> {
  return tx.cartItem.findMany({ where: { cart: { userId } }, select: { variantId: true, quantity: true }, orderBy: { variantId: "asc" } });
}

/**
 * The address of the caller's latest order, to fill the checkout form with. Read through today's
 * schema: an address from before a rule existed (a country code outside the list) comes back
 * without the fields that no longer pass, for the buyer to choose again, rather than being
 * offered as it was and refused at "Place order".
 */
export async function lastAddress(ctx: AuthedScope): Promise<Partial<ShippingAddress> | null> {
  const order = await ctx.db.order.findFirst({
    where: { buyerId: ctx.user.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { shippingAddress: true },
  });
  if (!order || typeof order.shippingAddress !== "object" || order.shippingAddress === null) return null;
  const parsed = shippingAddressSchema.safeParse(order.shippingAddress);
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const fields = shippingAddressSchema.shape;
  const kept: Partial<ShippingAddress> = {};
  for (const [key, value] of Object.entries(order.shippingAddress as Record<string, unknown>)) {
    if (!(key in fields) || bad.has(key)) continue;
    const field = fields[key as keyof typeof fields].safeParse(value);
    if (field.success && field.data !== undefined) Object.assign(kept, { [key]: field.data });
  }
  return kept;
}

/**
 * Places one order from the caller's cart, split into one seller order per shop. Prices come from
 * the database only; stock is taken with guarded updates in a fixed order inside the same
 * transaction; the cart is emptied on success. The idempotency key makes retries safe: the same
 * key with the same request returns the same order (even when sent concurrently), the same key
 * with another request is a CONFLICT.
 */
export async function placeOrder(ctx: AuthedScope, input: PlaceOrderInput) {
  const existing = await replay(ctx, input);
  if (existing) return existing;
  let placed: PlacedOrder;
  try {
    placed = await inTransaction(ctx, (tx, events) => createOrder(ctx, tx, events, input));
  } catch (err) {
    // The same key sent concurrently: the unique (buyer, key) index let one through, or it had
    // committed (and emptied the cart) before this one read the cart. Answer as it did.
    if (isUniqueViolation(err) || err instanceof EmptyCartError) {
      const winner = await replay(ctx, input);
      if (winner) return winner;
    }
    throw err;
  }
  return answer(ctx, placed, await ensurePayment(ctx, placed.id, placed.payment));
}

async function replay(ctx: AuthedScope, input: PlaceOrderInput) {
  const order = await ctx.db.order.findUnique({
    where: { buyerId_idempotencyKey: { buyerId: ctx.user.id, idempotencyKey: input.idempotencyKey } },
    select: { id: true, requestHash: true, items: { select: { variantId: true, quantity: true } } },
  });
  if (!order) return null;
  // After success the cart is empty; a retry is then compared with what the order took.
  const cart = await readCart(ctx.db, ctx.user.id);
  const lines = cart.length ? cart : order.items;
  if (requestHash(input.shippingAddress, lines) !== order.requestHash) {
    throw conflict("This idempotency key was already used for a different order");
  }
  return respond(ctx, order.id);
}

class EmptyCartError extends DomainError {
  constructor() {
    super("PRECONDITION_FAILED", "Your cart is empty", undefined, { variantIds: [] });
  }
}

/** An order as the checkout just wrote it: what the answer needs, without reading it back. */
interface PlacedOrder {
  id: string;
  status: "PENDING_PAYMENT";
  totalCents: number;
  currency: string;
  expiresAt: Date;
  payment: PendingPayment;
}

async function createOrder(ctx: AuthedScope, tx: Tx, events: Parameters<typeof takeStock>[1], input: PlaceOrderInput): Promise<PlacedOrder> {
  // The cart is held from here to the commit: a line added meanwhile waits, then lands in the
  // emptied cart instead of being deleted with the ordered ones unseen.
  await lockCart(tx, ctx.user.id);
  const { lines, missing } = await readCartForOrder(tx, ctx.user.id);
  if (!lines.length && !missing.length) throw new EmptyCartError();
  const unavailable = [
    ...missing,
    ...lines
      .filter((l) => l.productStatus !== "ACTIVE" || l.shopStatus !== "ACTIVE" || l.shopOwnerId === ctx.user.id)
      .map((l) => l.variantId),
  ];
  if (unavailable.length) {
    throw new DomainError("PRECONDITION_FAILED", "Some items can no longer be bought", undefined, { variantIds: unavailable });
  }
  const currencies = new Set(lines.map((l) => l.currency));
  if (currencies.size > 1) throw new DomainError("PRECONDITION_FAILED", "A cart in several currencies cannot be checked out at once");
  const currency = lines[0]!.currency;

  // One seller order per shop; amounts from the database only.
  const byShop = new Map<string, CartLineForOrder[]>();
  for (const l of lines) byShop.set(l.shopId, [...(byShop.get(l.shopId) ?? []), l]);
  const feeBps = ctx.deps.config.PLATFORM_FEE_BPS;
  const sellerOrders = [...byShop].map(([shopId, shopLines]) => {
    const subtotalCents = shopLines.reduce((n, l) => n + l.priceCents * l.quantity, 0);
    return { shopId, subtotalCents, commissionBps: feeBps, commissionCents: Math.round((subtotalCents * feeBps) / 10_000), lines: shopLines };
  });
  const totalCents = sellerOrders.reduce((n, so) => n + so.subtotalCents, 0);
  if (totalCents > MAX_ORDER_TOTAL_CENTS) throw orderTooLarge(currency);
  await assertHoldAllowed(tx, ctx.deps.config, ctx.user.id, lines.reduce((n, l) => n + l.quantity, 0));
  const expiresAt = new Date(Date.now() + ctx.deps.config.ORDER_HOLD_MINUTES * 60_000);
  const { orderId, paymentId, sellerOrderIds } = await insertOrder(tx, {
    buyerId: ctx.user.id,
    totalCents,
    currency,
    idempotencyKey: input.idempotencyKey,
    requestHash: requestHash(input.shippingAddress, lines),
    shippingAddress: input.shippingAddress,
    expiresAt,
    paymentProvider: ctx.deps.payments.name,
    sellerOrders,
  });
  await recordActivity(tx, events, {
    kind: "order.placed",
    summary: `${ctx.user.name} placed an order of ${(totalCents / 100).toFixed(2)} ${currency} from ${byShop.size} shop${byShop.size > 1 ? "s" : ""}`,
    actorId: ctx.user.id,
    actorName: ctx.user.name,
    subject: { type: "order", id: orderId },
  });
  // Stock last: the hot variant rows stay locked only from here to the commit. If any line is
  // short, everything above rolls back with it.
  await takeStock(tx, events, lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity, sellerOrderId: sellerOrderIds.get(l.shopId)! })));
  return {
    id: orderId,
    status: "PENDING_PAYMENT",
    totalCents,
    currency,
    expiresAt,
    payment: { id: paymentId, amountCents: totalCents, currency, providerRef: null },
  };
}

async function respond(ctx: AuthedScope, orderId: string) {
  const order = await ctx.db.order.findUniqueOrThrow({ where: { id: orderId }, select: { id: true, status: true, totalCents: true, currency: true, expiresAt: true } });
  const payment = order.status === "PENDING_PAYMENT" ? await ensurePayment(ctx, order.id) : null;
  return answer(ctx, order, payment);
}

function answer(
  ctx: AuthedScope,
  order: { id: string; status: OrderStatus; totalCents: number; currency: string; expiresAt: Date | null },
  payment: { clientSecret: string | null } | null,
) {
  return {
    orderId: order.id,
    status: order.status,
    totalCents: order.totalCents,
    currency: order.currency,
    expiresAt: order.expiresAt,
    payment: {
      provider: ctx.deps.payments.name,
      clientSecret: payment?.clientSecret ?? null,
      publishableKey: ctx.deps.payments.name === "STRIPE" ? (ctx.deps.config.STRIPE_PUBLISHABLE_KEY ?? null) : null,
    },
  };
}
