import type { Config } from "../../config.ts";
import { TestPaymentProvider, type PaymentProvider } from "./provider.ts";
import { StripePaymentProvider } from "./stripe-provider.ts";

/** PAYMENTS=test (default): the built-in provider; PAYMENTS=stripe: Stripe with the configured keys. */
export function createPaymentProvider(config: Config): PaymentProvider {
  if (config.PAYMENTS === "stripe") return new StripePaymentProvider({ secretKey: config.STRIPE_SECRET_KEY! });
  return new TestPaymentProvider();
}
