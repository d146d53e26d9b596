import type { AdminActivityListInput } from "@marketplace/shared";
import { newestFirst } from "../../lib/cursor.ts";
import type { Scope } from "../../scope.ts";

/** The audit log for the admins' feed: newest first, optionally one kind, keyset paged. */
export async function listActivity(ctx: Scope, input: AdminActivityListInput) {
  const rows = await ctx.db.activity.findMany({
    where: { ...(input.kind ? { kind: input.kind } : {}), ...newestFirst.after(input.cursor) },
    orderBy: [...newestFirst.orderBy],
    take: input.limit + 1,
    select: {
      id: true,
      kind: true,
      summary: true,
      subjectType: true,
      subjectId: true,
      createdAt: true,
      actor: { select: { id: true, name: true } },
    },
  });
  return newestFirst.page(rows, input.limit);
}
