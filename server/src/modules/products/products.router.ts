import { byIdInput, productCreateInput, productListMineInput, productUpdateInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { sellingProcedure, shopProcedure } from "../../trpc/init.ts";
import * as products from "./products.service.ts";

export const productRouter = {
  create: sellingProcedure("catalog.write").input(productCreateInput).mutation(({ ctx, input }) => products.createProduct(ctx, input)),
  update: sellingProcedure("catalog.write").input(productUpdateInput).mutation(({ ctx, input }) => products.updateProduct(ctx, input)),
  archive: sellingProcedure("catalog.write").input(byIdInput).mutation(({ ctx, input }) => products.archiveProduct(ctx, input.id)),
  /** Reading one's own list stays possible while the shop is pending or suspended. */
  listMine: shopProcedure("catalog.read").input(productListMineInput).query(({ ctx, input }) => products.listMyProducts(ctx, input)),
  getMine: shopProcedure("catalog.read").input(byIdInput).query(({ ctx, input }) => products.getMyProduct(ctx, input.id)),
} satisfies TRPCRouterRecord;
