import {
  adminActivityListInput,
  adminBanInput,
  adminSetRoleInput,
  adminShopApproveInput,
  adminShopSuspendInput,
  adminShopsListInput,
  adminReviewHideInput,
  adminReviewsListInput,
  adminUsersListInput,
  byIdInput,
  statsInput,
} from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { adminProcedure } from "../../trpc/init.ts";
import { listActivity } from "../activity/activity.query.ts";
import * as shops from "../shops/admin-shops.service.ts";
import * as moderation from "../reviews/review-moderation.ts";
import { adminPayoutRouter } from "../payouts/payouts.router.ts";
import { adminStats } from "../stats/admin-stats.service.ts";
import { runDoctor } from "../doctor/doctor.service.ts";
import * as users from "./admin-users.service.ts";

export const adminRouter = {
  users: {
    list: adminProcedure.input(adminUsersListInput).query(({ ctx, input }) => users.listUsers(ctx, input)),
    setRole: adminProcedure.input(adminSetRoleInput).mutation(({ ctx, input }) => users.setRole(ctx, input)),
    ban: adminProcedure.input(adminBanInput).mutation(({ ctx, input }) => users.ban(ctx, input)),
    unban: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => users.unban(ctx, input.id)),
  },
  shops: {
    list: adminProcedure.input(adminShopsListInput).query(({ ctx, input }) => shops.listShops(ctx, input)),
    approve: adminProcedure.input(adminShopApproveInput).mutation(({ ctx, input }) => shops.approveShop(ctx, input.id)),
    suspend: adminProcedure.input(adminShopSuspendInput).mutation(({ ctx, input }) => shops.suspendShop(ctx, input)),
  },
  reviews: {
    list: adminProcedure.input(adminReviewsListInput).query(({ ctx, input }) => moderation.adminListReviews(ctx, input)),
    hide: adminProcedure.input(adminReviewHideInput).mutation(({ ctx, input }) => moderation.hideReview(ctx, input)),
    restore: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => moderation.restoreReview(ctx, input.id)),
  },
  payouts: adminPayoutRouter,
  stats: adminProcedure.input(statsInput).query(({ ctx, input }) => adminStats(ctx, input)),
  /** The consistency checks of `pnpm doctor`, read in one read-only snapshot (SECURITY 52). */
  doctor: adminProcedure.query(({ ctx }) => runDoctor(ctx)),
  activity: {
    list: adminProcedure.input(adminActivityListInput).query(({ ctx, input }) => listActivity(ctx, input)),
  },
} satisfies TRPCRouterRecord;
