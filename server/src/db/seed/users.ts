import { newId } from "../../lib/ids.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { USERS } from "./data/people.ts";
import { time } from "./random.ts";
import type { ActivityLog, UserRec } from "./types.ts";

/**
 * The demo accounts: the three documented ones, the other shop owners and a few more buyers,
 * all sharing one password hash (argon2 is slow on purpose; hashing once keeps the seed fast).
 * Their addresses count as verified (`.test` mail goes nowhere), so the demo seller can sell.
 */
export function buildUsers(now: Date, passwordHash: string, log: ActivityLog) {
  const rows: Prisma.UserCreateManyInput[] = [];
  const byKey = new Map<string, UserRec>();
  for (const spec of USERS) {
    const createdAt = time.daysAgo(now, spec.joinedDaysAgo);
    const rec: UserRec = {
      id: newId(),
      key: spec.key,
      email: spec.email,
      name: spec.name,
      role: spec.role,
      createdAt,
      address: { name: spec.name, ...spec.address },
    };
    byKey.set(spec.key, rec);
    rows.push({
      id: rec.id,
      email: rec.email,
      name: rec.name,
      passwordHash,
      role: rec.role,
      emailVerifiedAt: createdAt,
      createdAt,
      updatedAt: createdAt,
    });
    log.add({
      kind: "user.registered",
      summary: `${rec.name} signed up`,
      actorId: rec.id,
      subject: { type: "user", id: rec.id },
      at: createdAt,
    });
  }
  const user = (key: string): UserRec => {
    const u = byKey.get(key);
    if (!u) throw new Error(`seed data: unknown user "${key}"`);
    return u;
  };
  return { rows, user, all: [...byKey.values()] };
}
