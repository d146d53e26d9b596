import type { ActivityKind } from "@marketplace/shared";
import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { newId } from "../../lib/ids.ts";
import { rooms, type EventBuffer } from "../../realtime/publish.ts";

export interface ActivityInput {
  kind: ActivityKind;
  summary: string;
  actorId?: string | null;
  /** The actor's name when the caller has it at hand (saves reading it back). */
  actorName?: string;
  subject?: { type: string; id: string };
  data?: Prisma.InputJsonValue;
}

/**
 * Writes one line of the audit log inside the caller's transaction and queues the admins'
 * live `activity` event for after the commit.
 */
export async function recordActivity(tx: Tx, events: EventBuffer, input: ActivityInput): Promise<void> {
  const id = newId();
  const actorId = input.actorId ?? null;
  const subjectType = input.subject?.type ?? null;
  const subjectId = input.subject?.id ?? null;
  await tx.activity.createMany({
    data: [{ id, kind: input.kind, summary: input.summary, actorId, subjectType, subjectId, data: input.data ?? {} }],
  });
  const actorName =
    input.actorName ?? (actorId ? ((await tx.user.findUnique({ where: { id: actorId }, select: { name: true } }))?.name ?? null) : null);
  events.add("activity", [rooms.admins()], { activityId: id, actorName, kind: input.kind, summary: input.summary, actorId, subjectType, subjectId });
}
