import type { AdminActivityListInput } from "@marketplace/shared";
import { decodeCursor, encodeCursor } from "../../lib/cursor.ts";
import type { Context } from "../../trpc/context.ts";

/** The audit log for the admins' feed: newest first, optionally one kind, keyset paged. */
export async function listActivity(ctx: Context, input: AdminActivityListInput) {
  const after = decodeCursor(input.cursor);
  const rows = await ctx.db.activity.findMany({
    where: {
      ...(input.kind ? { kind: input.kind } : {}),
      ...(after
        ? { OR: [{ createdAt: { lt: new Date(after.t) } }, { createdAt: new Date(after.t), id: { lt: after.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
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
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > input.limit && last ? encodeCursor({ t: last.createdAt.getTime(), id: last.id }) : null,
  };
}
