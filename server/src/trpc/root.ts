import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { accountRouter } from "../modules/users/account.router.ts";
import { adminRouter } from "../modules/admin/admin.router.ts";
import { authRouter } from "../modules/auth/auth.router.ts";
import { catalogRouter } from "../modules/catalog/catalog.router.ts";
import { productRouter } from "../modules/products/products.router.ts";
import { shopRouter } from "../modules/shops/shops.router.ts";
import { createCallerFactory, router } from "./init.ts";

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  admin: adminRouter,
  catalog: catalogRouter,
  shop: shopRouter,
  product: productRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);
