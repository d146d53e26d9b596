import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/harness.ts";
import { makeCategory, makeProduct } from "../../test/factories.ts";

let t: TestApp;
let admin: Awaited<ReturnType<TestApp["signIn"]>>;

beforeAll(async () => {
  t = await createTestApp();
  const a = await t.createUser({ role: "ADMIN", name: "Ada Admin" });
  admin = await t.signIn(a.email);
});
afterAll(() => t.close());

async function newOwner(name = "Olive Owner") {
  const u = await t.createUser({ name });
  return { ...u, ...(await t.signIn(u.email)) };
}

describe("opening a shop", () => {
  it("creates it PENDING with a unique slug, logs it for admins, and refuses a second one", async () => {
    const o = await newOwner();
    const shop = await o.caller.shop.create({ name: "Clay & Co.", description: "Hand-thrown pottery" });
    expect(shop).toMatchObject({ name: "Clay & Co.", slug: "clay-co", status: "PENDING" });
    const other = await newOwner();
    expect((await other.caller.shop.create({ name: "Clay & Co" })).slug).toBe("clay-co-2");
    await expect(o.caller.shop.create({ name: "Second" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await t.database.prisma.activity.count({ where: { kind: "shop.created", subjectId: shop.id } })).toBe(1);
    expect(await o.caller.shop.mine()).toMatchObject({ id: shop.id, status: "PENDING" });
  });

  it("refuses bad input with field errors and unknown fields (SECURITY 10: status, ratingAvg)", async () => {
    const o = await newOwner();
    await expect(o.caller.shop.create({ name: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(o.caller.shop.create({ name: "Sneaky", status: "ACTIVE" } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(o.caller.shop.create({ name: "Sneaky", ratingAvg: 5 } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await o.caller.shop.create({ name: "Honest Shop" });
    await expect(o.caller.shop.update({ status: "ACTIVE" } as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(o.caller.shop.update({ logoUrl: "https://evil.example/x.png" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("admin approval", () => {
  it("lists pending shops first, approves one (owner becomes SELLER) and suspends it with a reason", async () => {
    const o = await newOwner("Queue Owner");
    const shop = await o.caller.shop.create({ name: "Queue Shop" });
    const queue = await admin.caller.admin.shops.list({});
    expect(queue.items[0]?.status).toBe("PENDING");
    expect(queue.items.some((s) => s.id === shop.id)).toBe(true);

    t.sink.events.length = 0;
    const approved = await admin.caller.admin.shops.approve({ id: shop.id });
    expect(approved.status).toBe("ACTIVE");
    // The owner is told live, and admins see who did it in the feed.
    expect(t.sink.events.find((e) => e.name === "shop.updated")).toMatchObject({ rooms: [`user:${o.id}`], payload: { shopId: shop.id, status: "ACTIVE" } });
    const feed = t.sink.events.find((e) => e.name === "activity")!.payload as { activityId: string; actorName: string | null };
    expect(feed.actorName).toBe("Ada Admin");
    expect(await t.database.prisma.activity.findUnique({ where: { id: feed.activityId } })).toMatchObject({ kind: "shop.approved" });
    expect((await t.database.prisma.user.findUniqueOrThrow({ where: { id: o.id } })).role).toBe("SELLER");
    await expect(admin.caller.admin.shops.approve({ id: shop.id })).rejects.toMatchObject({ code: "CONFLICT" });

    await expect(admin.caller.admin.shops.suspend({ id: shop.id, reason: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const suspended = await admin.caller.admin.shops.suspend({ id: shop.id, reason: "Counterfeit goods" });
    expect(suspended).toMatchObject({ status: "SUSPENDED", statusReason: "Counterfeit goods" });
    const log = await t.database.prisma.activity.findFirst({ where: { kind: "shop.suspended", subjectId: shop.id } });
    expect(log?.summary).toBe("Ada Admin suspended the shop “Queue Shop”: Counterfeit goods");
    expect(t.sink.events.some((e) => e.name === "activity" && (e.payload as { summary?: string }).summary === log?.summary)).toBe(true);
  });

  it("pages the queue without repeats across status groups", async () => {
    for (let i = 0; i < 5; i++) {
      const o = await newOwner();
      const s = await o.caller.shop.create({ name: `Paged ${i}` });
      if (i % 2) await admin.caller.admin.shops.approve({ id: s.id });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.caller.admin.shops.list({ limit: 2, cursor });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(await t.database.prisma.shop.count());
  });

  it("is for admins only (SECURITY 9)", async () => {
    const o = await newOwner();
    const s = await o.caller.shop.create({ name: "Self Approver" });
    await expect(o.caller.admin.shops.approve({ id: s.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(o.caller.admin.shops.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("the public shop page", () => {
  it("shows an active shop with its visible products; pending and suspended shops are NOT_FOUND", async () => {
    const o = await newOwner();
    const shop = await o.caller.shop.create({ name: "Public Shop", description: "We sell lamps" });
    const anon = await t.anon();
    await expect(anon.shop.bySlug({ slug: shop.slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await admin.caller.admin.shops.approve({ id: shop.id });
    const cat = await makeCategory(t.database.prisma);
    await makeProduct(t.database.prisma, shop.id, cat.id, { title: "Brass Lamp" });
    await makeProduct(t.database.prisma, shop.id, cat.id, { title: "Draft Lamp", status: "DRAFT" });
    const page = await anon.shop.bySlug({ slug: shop.slug });
    expect(page).toMatchObject({ name: "Public Shop", description: "We sell lamps", productCount: 1 });
    expect(page.products.map((p) => p.title)).toEqual(["Brass Lamp"]);
    await admin.caller.admin.shops.suspend({ id: shop.id, reason: "Investigating" });
    await expect(anon.shop.bySlug({ slug: shop.slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(o.caller.shop.update({ description: "edit while suspended" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
