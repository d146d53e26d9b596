/**
 * Stripe.js, loaded only when the server's payment provider is Stripe and it sent a publishable
 * key: Stripe requires the script to come from js.stripe.com (never bundled), so it is added as a
 * <script> at runtime. The server's CSP must then allow it: script-src and frame-src
 * https://js.stripe.com, connect-src https://api.stripe.com.
 * Only the few calls used here are typed.
 */
export interface StripeElement {
  mount(el: HTMLElement): void;
  destroy(): void;
}
export interface StripeElements {
  create(type: "payment"): StripeElement;
}
export interface StripeJs {
  elements(options: { clientSecret: string }): StripeElements;
  confirmPayment(options: { elements: StripeElements; confirmParams: { return_url: string } }): Promise<{ error?: { message?: string } }>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeJs;
  }
}

const SRC = "https://js.stripe.com/v3/";
let script: Promise<NonNullable<Window["Stripe"]>> | null = null;

export function loadStripe(publishableKey: string): Promise<StripeJs> {
  script ??= new Promise((resolve, reject) => {
    if (window.Stripe) return resolve(window.Stripe);
    const el = document.createElement("script");
    el.src = SRC;
    el.async = true;
    el.onload = () => (window.Stripe ? resolve(window.Stripe) : reject(new Error("Stripe.js did not start")));
    el.onerror = () => reject(new Error("Stripe.js could not be loaded"));
    document.head.append(el);
  });
  // A failed load may be retried later (e.g. after the connection comes back).
  script.catch(() => (script = null));
  return script.then((Stripe) => Stripe(publishableKey));
}
