import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { accountRouter } from "../modules/users/account.router.ts";
import { adminRouter } from "../modules/admin/admin.router.ts";
import { authRouter } from "../modules/auth/auth.router.ts";
import { cartRouter } from "../modules/cart/cart.router.ts";
import { catalogRouter } from "../modules/catalog/catalog.router.ts";
import { checkoutRouter } from "../modules/checkout/checkout.router.ts";
import { orderRouter, sellerOrderRouter } from "../modules/orders/orders.router.ts";
import { mailRouter } from "../modules/mail/mail.router.ts";
import { notificationRouter } from "../modules/notifications/notifications.router.ts";
import { paymentRouter } from "../modules/payments/payments.router.ts";
import { payoutRouter } from "../modules/payouts/payouts.router.ts";
import { productRouter } from "../modules/products/products.router.ts";
import { reviewRouter } from "../modules/reviews/reviews.router.ts";
import { shopRouter } from "../modules/shops/shops.router.ts";
import { sellerRouter } from "../modules/stats/stats.router.ts";
import { createCallerFactory, router } from "./init.ts";

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  admin: adminRouter,
  catalog: catalogRouter,
  shop: shopRouter,
  product: productRouter,
  cart: cartRouter,
  checkout: checkoutRouter,
  payment: paymentRouter,
  order: orderRouter,
  sellerOrder: sellerOrderRouter,
  seller: sellerRouter,
  review: reviewRouter,
  notification: notificationRouter,
  mail: mailRouter,
  payout: payoutRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
