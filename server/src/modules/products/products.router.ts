import { byIdInput, productCreateInput, productListMineInput, productUpdateInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { sellerProcedure, shopOwnerProcedure } from "../../trpc/init.ts";
import * as products from "./products.service.ts";

export const productRouter = {
  create: sellerProcedure.input(productCreateInput).mutation(({ ctx, input }) => products.createProduct(ctx, input)),
  update: sellerProcedure.input(productUpdateInput).mutation(({ ctx, input }) => products.updateProduct(ctx, input)),
  archive: sellerProcedure.input(byIdInput).mutation(({ ctx, input }) => products.archiveProduct(ctx, input.id)),
  /** Reading one's own list stays possible while the shop is pending or suspended. */
  listMine: shopOwnerProcedure.input(productListMineInput).query(({ ctx, input }) => products.listMyProducts(ctx, input)),
  getMine: shopOwnerProcedure.input(byIdInput).query(({ ctx, input }) => products.getMyProduct(ctx, input.id)),
} satisfies TRPCRouterRecord;
