/** An amount in minor units as people read it: `formatMoney(99_999_999, "USD")` → "$999,999.99". */
export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}
