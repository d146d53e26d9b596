import { formatMoney } from "../../lib/format.ts";
import type { Cart } from "./use-cart.ts";

/** One shop's part of a summary: its subtotal, and its lines where the summary lists them. */
export interface SummaryShop {
  key: string;
  name: string;
  slug?: string;
  subtotalCents: number;
  lines?: readonly SummaryLine[];
}

/** A line as a summary lists it: what, how many at what price, its total, and any problem. */
export interface SummaryLine {
  key: string;
  title: string;
  detail: string;
  amountCents: number;
  currency: string;
  /** Why the line cannot be ordered as it is ("Sold out now"); struck through when set. */
  problem?: string | null;
}

/** The server cart's shops as a summary shows them: subtotals only, or every line (`withLines`). */
export function summaryShops(cart: Cart, options: { withLines?: boolean; refused?: readonly string[] } = {}): SummaryShop[] {
  const refused = options.refused ?? [];
  return cart.shops.map((g) => ({
    key: g.shop.id,
    name: g.shop.name,
    slug: g.shop.slug,
    subtotalCents: g.subtotalCents,
    ...(options.withLines
      ? {
          lines: g.lines.map((l) => ({
            key: l.variantId,
            title: l.product.title,
            detail: `${l.variantTitle} · ${l.quantity} × ${formatMoney(l.priceCents, l.currency)}`,
            amountCents: l.lineTotalCents,
            currency: l.currency,
            problem: refused.includes(l.variantId) ? refusalReason(l.stock, l.quantity) : null,
          })),
        }
      : {}),
  }));
}

/** Why the server refused a line at checkout, as the stock it reports now explains it. */
export function refusalReason(stock: number, quantity: number): string {
  if (stock === 0) return "Sold out now";
  if (stock < quantity) return `Only ${stock} left now`;
  return "Not available in this quantity any more";
}
