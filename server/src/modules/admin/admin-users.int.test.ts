import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.ts";

let t: TestApp;
let admin: Awaited<ReturnType<TestApp["signIn"]>>;
let adminId: string;

beforeAll(async () => {
  t = await createTestApp();
  const a = await t.createUser({ role: "ADMIN", name: "Ada Admin", email: "ada@example.test" });
  adminId = a.id;
  admin = await t.signIn(a.email);
  for (let i = 0; i < 25; i++) await t.createUser({ name: i % 5 === 0 ? `Zed Seller ${i}` : `Buyer ${i}`, role: i % 5 === 0 ? "SELLER" : "BUYER", email: `person${i}@example.test` });
});
afterAll(() => t.close());

describe("admin.users.list", () => {
  it("pages through every user newest first with a cursor, without repeats or gaps", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.caller.admin.users.list({ limit: 7, cursor });
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const all = await t.database.prisma.user.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    expect(seen).toEqual(all.map((u) => u.id));
  });

  it("searches email and name case-insensitively, and filters by role and status", async () => {
    const byName = await admin.caller.admin.users.list({ q: "zed" });
    expect(byName.items.map((u) => u.name).sort()).toEqual(["Zed Seller 0", "Zed Seller 10", "Zed Seller 15", "Zed Seller 20", "Zed Seller 5"]);
    const byEmail = await admin.caller.admin.users.list({ q: "PERSON7@" });
    expect(byEmail.items.map((u) => u.email)).toEqual(["person7@example.test"]);
    const sellers = await admin.caller.admin.users.list({ role: "SELLER", limit: 100 });
    expect(sellers.items.every((u) => u.role === "SELLER")).toBe(true);
    expect(sellers.items).toHaveLength(5);
  });

  it("rejects a forged cursor and an absurd limit with BAD_REQUEST", async () => {
    await expect(admin.caller.admin.users.list({ cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.caller.admin.users.list({ limit: 1000 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("admin.users.setRole and ban", () => {
  it("changes a role and writes it to the activity log in the same transaction", async () => {
    const u = await t.createUser({ name: "Promote Me" });
    const updated = await admin.caller.admin.users.setRole({ id: u.id, role: "SELLER" });
    expect(updated.role).toBe("SELLER");
    const log = await t.database.prisma.activity.findFirst({ where: { kind: "user.role_changed", subjectId: u.id } });
    expect(log).toMatchObject({ actorId: adminId, summary: "Ada Admin made Promote Me seller (was buyer)" });
  });

  it("bans and unbans; a banned user cannot sign in", async () => {
    const u = await t.createUser();
    await admin.caller.admin.users.ban({ id: u.id });
    await expect(t.signIn(u.email)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await admin.caller.admin.users.unban({ id: u.id });
    await t.signIn(u.email);
  });

  it("refuses an admin who demotes or bans themselves with FORBIDDEN and a message that says so, changing nothing", async () => {
    await expect(admin.caller.admin.users.ban({ id: adminId })).rejects.toMatchObject({ code: "FORBIDDEN", message: "You cannot ban yourself" });
    for (const role of ["SELLER", "BUYER"] as const) {
      await expect(admin.caller.admin.users.setRole({ id: adminId, role })).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: "You cannot change your own role: ask another admin",
      });
    }
    const me = await t.database.prisma.user.findUniqueOrThrow({ where: { id: adminId } });
    expect(me).toMatchObject({ role: "ADMIN", status: "ACTIVE" });
    expect(await t.database.prisma.activity.count({ where: { subjectId: adminId } })).toBe(0);
  });

  it("an undone role change and ban are both in the activity log", async () => {
    const u = await t.createUser({ name: "Undo Me" });
    await admin.caller.admin.users.setRole({ id: u.id, role: "SELLER" });
    await admin.caller.admin.users.setRole({ id: u.id, role: "BUYER" });
    await admin.caller.admin.users.ban({ id: u.id });
    await admin.caller.admin.users.unban({ id: u.id });
    const log = await t.database.prisma.activity.findMany({ where: { subjectId: u.id }, orderBy: { createdAt: "asc" }, select: { summary: true } });
    expect(log.map((l) => l.summary)).toEqual([
      "Ada Admin made Undo Me seller (was buyer)",
      "Ada Admin made Undo Me buyer (was seller)",
      "Ada Admin banned Undo Me",
      "Ada Admin lifted the ban on Undo Me",
    ]);
  });

  it("answers an unknown user id with NOT_FOUND and an invalid role with BAD_REQUEST", async () => {
    await expect(admin.caller.admin.users.ban({ id: "nobody" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const u = await t.createUser();
    await expect(admin.caller.admin.users.setRole({ id: u.id, role: "GOD" as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("admin.activity.list", () => {
  it("shows the audit log newest first, filtered by kind, to admins only", async () => {
    const u = await t.createUser({ name: "Feed Subject" });
    await admin.caller.admin.users.ban({ id: u.id, reason: "spam" });
    const feed = await admin.caller.admin.activity.list({ limit: 5 });
    expect(feed.items[0]).toMatchObject({ kind: "user.banned", summary: "Ada Admin banned Feed Subject: spam", actor: { name: "Ada Admin" } });
    const roleChanges = await admin.caller.admin.activity.list({ kind: "user.role_changed" });
    expect(roleChanges.items.length).toBeGreaterThan(0);
    expect(roleChanges.items.every((i) => i.kind === "user.role_changed")).toBe(true);
    const buyer = await t.createUser();
    await expect((await t.signIn(buyer.email)).caller.admin.activity.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.caller.admin.activity.list({ kind: "made.up" as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
