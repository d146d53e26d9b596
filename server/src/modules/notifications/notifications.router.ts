import { byIdInput, notificationListInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../../trpc/init.ts";
import { listNotifications, markAllRead, markRead, unreadCount } from "./notifications.service.ts";

export const notificationRouter = {
  list: authedProcedure.input(notificationListInput).query(({ ctx, input }) => listNotifications(ctx, input)),
  unreadCount: authedProcedure.query(({ ctx }) => unreadCount(ctx)),
  markRead: authedProcedure.input(byIdInput).mutation(({ ctx, input }) => markRead(ctx, input.id)),
  markAllRead: authedProcedure.mutation(({ ctx }) => markAllRead(ctx)),
} satisfies TRPCRouterRecord;
