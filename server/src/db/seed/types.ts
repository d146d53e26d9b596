import type { ActivityKind, Role } from "@marketplace/shared";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Address } from "./data/people.ts";

/** What the builders hand each other: the rows to insert plus the few facts later steps need. */

export interface UserRec {
  id: string;
  key: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  address: Address;
}

export interface ShopRec {
  id: string;
  name: string;
  ownerId: string;
  active: boolean;
  row: Prisma.ShopCreateManyInput;
}

export interface VariantRec {
  id: string;
  sku: string;
  title: string;
  priceCents: number;
}

export interface ProductRec {
  id: string;
  shopId: string;
  title: string;
  /** The product's noun ("Chef's Knife"): drawn on its pictures, used in review text. */
  noun: string;
  active: boolean;
  createdAt: Date;
  variants: VariantRec[];
  row: Prisma.ProductCreateManyInput;
}

export interface ActivityInput {
  kind: ActivityKind;
  summary: string;
  actorId: string | null;
  subject: { type: "user" | "shop" | "order" | "review"; id: string };
  at: Date;
  data?: Prisma.InputJsonValue;
}

/** The activity log the builders append to; rows are written last, oldest first. */
export class ActivityLog {
  readonly rows: Prisma.ActivityCreateManyInput[] = [];

  constructor(private readonly newId: () => string) {}

  add(a: ActivityInput): void {
    this.rows.push({
      id: this.newId(),
      kind: a.kind,
      summary: a.summary,
      actorId: a.actorId,
      subjectType: a.subject.type,
      subjectId: a.subject.id,
      data: a.data ?? {},
      createdAt: a.at,
    });
  }

  sorted(): Prisma.ActivityCreateManyInput[] {
    return [...this.rows].sort((a, b) => (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime());
  }
}

export function formatMoney(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
