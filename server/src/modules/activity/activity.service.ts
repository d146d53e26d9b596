import type { ActivityKind } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";

export interface ActivityInput {
  kind: ActivityKind;
  summary: string;
  actorId?: string | null;
  subject?: { type: string; id: string };
  data?: Prisma.InputJsonValue;
}

/**
 * Writes one line of the audit log inside the caller's transaction and queues the admins'
 * live `activity` event for after the commit.
 */
export async function recordActivity(tx: Tx, events: EventBuffer, input: ActivityInput): Promise<void> {
  const row = await tx.activity.create({
    data: {
      kind: input.kind,
      summary: input.summary,
      actorId: input.actorId ?? null,
      subjectType: input.subject?.type ?? null,
      subjectId: input.subject?.id ?? null,
      data: input.data ?? {},
    },
    select: { id: true, actorId: true, subjectType: true, subjectId: true, actor: { select: { name: true } } },
  });
  events.add("activity", [rooms.admins()], {
    activityId: row.id,
    actorName: row.actor?.name ?? null,
    kind: input.kind,
    summary: input.summary,
    actorId: row.actorId,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
  });
}
