import {
  byIdInput,
  reviewCreateProductInput,
  reviewCreateShopInput,
  reviewListProductInput,
  reviewListShopInput,
  reviewReplyInput,
  reviewReportInput,
  reviewUpdateInput,
  sellerReviewsListInput,
} from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, publicProcedure, shopProcedure } from "../../trpc/init.ts";
import * as lists from "./review-lists.ts";
import * as reviews from "./reviews.service.ts";

export const reviewRouter = {
  createProduct: authedProcedure.input(reviewCreateProductInput).mutation(({ ctx, input }) => reviews.createProductReview(ctx, input)),
  createShop: authedProcedure.input(reviewCreateShopInput).mutation(({ ctx, input }) => reviews.createShopReview(ctx, input)),
  update: authedProcedure.input(reviewUpdateInput).mutation(({ ctx, input }) => reviews.updateReview(ctx, input)),
  delete: authedProcedure.input(byIdInput).mutation(({ ctx, input }) => reviews.deleteReview(ctx, input.id)),
  listProduct: publicProcedure.input(reviewListProductInput).query(({ ctx, input }) => lists.listProductReviews(ctx, input)),
  listShop: publicProcedure.input(reviewListShopInput).query(({ ctx, input }) => lists.listShopReviews(ctx, input)),
  reply: shopProcedure("reviews.reply").input(reviewReplyInput).mutation(({ ctx, input }) => reviews.replyToReview(ctx, input)),
  vote: authedProcedure.input(byIdInput).mutation(({ ctx, input }) => reviews.voteHelpful(ctx, input.id)),
  report: authedProcedure.input(reviewReportInput).mutation(({ ctx, input }) => reviews.reportReview(ctx, input)),
  mine: authedProcedure.query(({ ctx }) => lists.myReviews(ctx)),
  toWrite: authedProcedure.query(({ ctx }) => lists.reviewsToWrite(ctx)),
  /** The seller area's Reviews tab. */
  forMyShop: shopProcedure("reviews.read").input(sellerReviewsListInput).query(({ ctx, input }) => lists.sellerReviews(ctx, input)),
} satisfies TRPCRouterRecord;
