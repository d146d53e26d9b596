import { adminActivityListInput, adminBanInput, adminSetRoleInput, adminUsersListInput, byIdInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { adminProcedure } from "../../trpc/init.ts";
import { listActivity } from "../activity/activity.query.ts";
import * as users from "./admin-users.service.ts";

export const adminRouter = {
  users: {
    list: adminProcedure.input(adminUsersListInput).query(({ ctx, input }) => users.listUsers(ctx, input)),
    setRole: adminProcedure.input(adminSetRoleInput).mutation(({ ctx, input }) => users.setRole(ctx, input)),
    ban: adminProcedure.input(adminBanInput).mutation(({ ctx, input }) => users.ban(ctx, input)),
    unban: adminProcedure.input(byIdInput).mutation(({ ctx, input }) => users.unban(ctx, input.id)),
  },
  activity: {
    list: adminProcedure.input(adminActivityListInput).query(({ ctx, input }) => listActivity(ctx, input)),
  },
} satisfies TRPCRouterRecord;
