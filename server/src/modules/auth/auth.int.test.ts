import argon2 from "argon2";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../../test/harness.ts";
import { createContextInner, MemoryCookieJar } from "../../trpc/context.ts";
import { createCaller } from "../../trpc/root.ts";
import * as auth from "./auth.service.ts";
import { hashToken } from "./session.service.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
  return "OK";
}

async function errorOf(p: Promise<unknown>): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

describe("SECURITY 1: argon2id password hashing", () => {
  it("stores argon2id hashes with m=19456, t=2, p=1 and never the password", async () => {
    const caller = await t.anon({ ip: "10.1.0.1" });
    const user = await caller.auth.register({ email: "Hash.Me@Example.test", password: "a-fine-long-password", name: "Hash" });
    const row = await t.database.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.email).toBe("hash.me@example.test");
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.passwordHash).not.toContain("a-fine-long-password");
  });

  it("upgrades a weaker hash at login (needsRehash)", async () => {
    const weak = await argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const user = await t.createUser();
    await t.database.prisma.user.update({ where: { id: user.id }, data: { passwordHash: weak } });
    await t.signIn(user.email);
    const row = await t.database.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await argon2.verify(row.passwordHash, TEST_PASSWORD)).toBe(true);
  });
});

describe("SECURITY 2: password policy", () => {
  const register = async (password: string, ip = "10.2.0.1") =>
    (await t.anon({ ip })).auth.register({ email: `p${Math.random()}@example.test`, password, name: "P" });

  it("refuses fewer than 8 characters with a field error", async () => {
    const err = await errorOf(register("seven77"));
    expect(err.code).toBe("BAD_REQUEST");
  });

  it("accepts 8 and 128 characters, with no composition rules", async () => {
    expect(await codeOf(register("lowercaseonly"))).toBe("OK");
    expect(await codeOf(register("x".repeat(7) + "y"))).toBe("OK");
    expect(await codeOf(register("z".repeat(128)))).toBe("OK");
  });

  it("refuses more than 128 characters, and a 1 MB password before hashing it", async () => {
    expect(await codeOf(register("z".repeat(129)))).toBe("BAD_REQUEST");
    const hash = vi.spyOn(argon2, "hash");
    try {
      expect(await codeOf(register("m".repeat(1024 * 1024)))).toBe("BAD_REQUEST");
      expect(hash).not.toHaveBeenCalled();
    } finally {
      hash.mockRestore();
    }
  });

  it("refuses the most common passwords, case-insensitively, on the password field", async () => {
    const err = await errorOf(register("Password123"));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.cause).toMatchObject({ fieldErrors: { password: [expect.stringContaining("too common")] } });
  });
});

describe("SECURITY 3: no account enumeration at login", () => {
  it("answers an unknown email and a wrong password with the same code and message, after the same hashing work", async () => {
    const user = await t.createUser();
    const verify = vi.spyOn(argon2, "verify");
    try {
      const caller = await t.anon({ ip: "10.3.0.1" });
      const wrong = await errorOf(caller.auth.login({ email: user.email, password: "not-the-password" }));
      const verifiesForWrong = verify.mock.calls.length;
      const unknown = await errorOf(caller.auth.login({ email: "nobody-here@example.test", password: "not-the-password" }));
      const verifiesForUnknown = verify.mock.calls.length - verifiesForWrong;
      expect(unknown.code).toBe(wrong.code);
      expect(unknown.code).toBe("UNAUTHORIZED");
      expect(unknown.message).toBe(wrong.message);
      // Timing: an unknown email still costs one argon2 verification, like a wrong password.
      expect(verifiesForWrong).toBe(1);
      expect(verifiesForUnknown).toBe(1);
    } finally {
      verify.mockRestore();
    }
  });
});

describe("SECURITY 4: login brute force is rate limited per account and per IP", () => {
  it("blocks an account after 10 failures, even with the right password, and frees it when the window passes", async () => {
    // The limiter reads the clock through Date: fake only Date, so the database and argon2 run as usual.
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const app = await createTestApp();
    try {
      const user = await app.createUser();
      for (let i = 0; i < 10; i++) {
        const caller = await app.anon({ ip: `10.4.0.${i}` });
        expect(await codeOf(caller.auth.login({ email: user.email, password: "wrong-password" }))).toBe("UNAUTHORIZED");
      }
      const fromElsewhere = await app.anon({ ip: "10.4.1.1" });
      expect(await codeOf(fromElsewhere.auth.login({ email: user.email, password: TEST_PASSWORD }))).toBe("TOO_MANY_REQUESTS");
      vi.setSystemTime(Date.now() + 15 * 60_000 + 1);
      expect(await codeOf(fromElsewhere.auth.login({ email: user.email, password: TEST_PASSWORD }))).toBe("OK");
    } finally {
      vi.useRealTimers();
      await app.close();
    }
  });

  it("blocks an IP spraying many accounts, without blocking those accounts from other IPs", async () => {
    const app = await createTestApp();
    try {
      const victim = await app.createUser();
      const attacker = await app.anon({ ip: "10.4.9.9" });
      for (let i = 0; i < 50; i++) {
        await codeOf(attacker.auth.login({ email: `spray${i}@example.test`, password: "wrong-password" }));
      }
      expect(await codeOf(attacker.auth.login({ email: victim.email, password: TEST_PASSWORD }))).toBe("TOO_MANY_REQUESTS");
      const victimsOwnIp = await app.anon({ ip: "10.4.9.10" });
      expect(await codeOf(victimsOwnIp.auth.login({ email: victim.email, password: TEST_PASSWORD }))).toBe("OK");
    } finally {
      await app.close();
    }
  }, 60_000);
});

describe("SECURITY 5: session tokens", () => {
  it("are random, stored only as hashes, and rotated at login", async () => {
    const user = await t.createUser();
    const a = await t.signIn(user.email);
    const b = await t.signIn(user.email);
    expect(a.token).not.toBe(b.token);
    expect(a.token.length).toBeGreaterThanOrEqual(43);
    const rows = await t.database.prisma.session.findMany({ where: { userId: user.id } });
    const stored = rows.map((r) => r.tokenHash);
    expect(stored).toContain(hashToken(a.token));
    expect(stored).not.toContain(a.token);

    // Rotation: logging in while holding a session replaces it.
    await a.caller.auth.login({ email: user.email, password: TEST_PASSWORD });
    expect(await (await t.as(a.token)).auth.me()).toBeNull();
    expect(t.sink.revokedSessions).toContain(rows.find((r) => r.tokenHash === hashToken(a.token))!.id);
  });

  it("are revoked at logout: the token then gets UNAUTHORIZED", async () => {
    const user = await t.createUser();
    const { token, caller } = await t.signIn(user.email);
    expect((await caller.auth.me())?.id).toBe(user.id);
    await caller.auth.logout();
    const after = await t.as(token);
    expect(await after.auth.me()).toBeNull();
    expect(await codeOf(after.account.sessions())).toBe("UNAUTHORIZED");
  });

  it("are revoked on password change, except the session that changed it", async () => {
    const user = await t.createUser();
    const other = await t.signIn(user.email);
    const current = await t.signIn(user.email);
    const result = await current.caller.account.changePassword({ currentPassword: TEST_PASSWORD, newPassword: "a-brand-new-passphrase" });
    expect(result.revokedSessions).toBe(1);
    expect(await codeOf((await t.as(other.token)).account.sessions())).toBe("UNAUTHORIZED");
    expect((await (await t.as(current.token)).auth.me())?.id).toBe(user.id);
    expect(await codeOf(t.signIn(user.email, TEST_PASSWORD))).toBe("UNAUTHORIZED");
    await t.signIn(user.email, "a-brand-new-passphrase");
  });

  it("are revoked when an admin bans the user, and their sockets are told to disconnect", async () => {
    const admin = await t.createUser({ role: "ADMIN" });
    const victim = await t.createUser();
    const session = await t.signIn(victim.email);
    const sessionRow = await t.database.prisma.session.findUniqueOrThrow({ where: { tokenHash: hashToken(session.token) } });
    const { caller: adminCaller } = await t.signIn(admin.email);
    await adminCaller.admin.users.ban({ id: victim.id, reason: "fraud" });
    expect(await codeOf((await t.as(session.token)).account.sessions())).toBe("UNAUTHORIZED");
    expect(t.sink.revokedSessions).toContain(sessionRow.id);
    expect(await codeOf(t.signIn(victim.email))).toBe("FORBIDDEN");
  });

  it("expire", async () => {
    const user = await t.createUser();
    const { token } = await t.signIn(user.email);
    await t.database.prisma.session.updateMany({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await (await t.as(token)).auth.me()).toBeNull();
  });

  it("a user can list their sessions and revoke one, but not someone else's (NOT_FOUND)", async () => {
    const user = await t.createUser();
    const stranger = await t.createUser();
    const phone = await t.signIn(user.email);
    const laptop = await t.signIn(user.email);
    const sessions = await laptop.caller.account.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const phoneSession = sessions.find((s) => !s.current)!;
    const strangerCaller = (await t.signIn(stranger.email)).caller;
    expect(await codeOf(strangerCaller.account.revokeSession({ id: phoneSession.id }))).toBe("NOT_FOUND");
    await laptop.caller.account.revokeSession({ id: phoneSession.id });
    expect(await (await t.as(phone.token)).auth.me()).toBeNull();
  });
});

describe("the session cookie, set by the procedures, not the services", () => {
  async function browser() {
    const cookies = new MemoryCookieJar();
    return { cookies, caller: createCaller(await createContextInner({ deps: t.deps, cookies, ip: "10.20.0.1" })) };
  }

  it("is set at registration and sign-in, and cleared at logout", async () => {
    const signUp = await browser();
    await signUp.caller.auth.register({ email: "cookie.jar@example.test", password: "a-fine-long-password", name: "Jar" });
    expect(signUp.cookies.token).toMatch(/^[\w-]{43}$/);
    const signIn = await browser();
    await signIn.caller.auth.login({ email: "cookie.jar@example.test", password: "a-fine-long-password" });
    expect(signIn.cookies.token).toMatch(/^[\w-]{43}$/);
    expect(signIn.cookies.token).not.toBe(signUp.cookies.token);
    const signedIn = createCaller(await createContextInner({ deps: t.deps, sessionToken: signIn.cookies.token, cookies: signIn.cookies }));
    await signedIn.auth.logout();
    expect(signIn.cookies.token).toBeNull();
  });

  it("is cleared when the session asking is the one revoked, and kept when another is", async () => {
    const user = await t.createUser();
    const other = await t.signIn(user.email);
    const { token } = await t.signIn(user.email);
    const cookies = new MemoryCookieJar();
    cookies.token = token;
    const caller = createCaller(await createContextInner({ deps: t.deps, sessionToken: token, cookies }));
    const otherId = (await caller.account.sessions()).find((s) => !s.current)!.id;
    await caller.account.revokeSession({ id: otherId });
    expect(cookies.token).toBe(token);
    const currentId = (await caller.account.sessions()).find((s) => s.current)!.id;
    await caller.account.revokeSession({ id: currentId });
    expect(cookies.token).toBeNull();
    expect(await (await t.as(other.token)).auth.me()).toBeNull();
  });

  it("is not the services' business: auth.login takes a plain scope and returns the session to hand over", async () => {
    const user = await t.createUser();
    const scope = { deps: t.deps, db: t.database.prisma, user: null, sessionId: null, ip: "10.20.0.2", userAgent: null };
    const result = await auth.login(scope, { email: user.email, password: TEST_PASSWORD });
    if (!("session" in result)) throw new Error("no session for an account without two-factor");
    const { user: signedIn, session } = result;
    expect(signedIn.id).toBe(user.id);
    expect((await (await t.as(session.token)).auth.me())?.id).toBe(user.id);
  });
});

describe("SECURITY 10: mass assignment and leaks", () => {
  it("rejects unknown fields such as role at registration", async () => {
    const caller = await t.anon({ ip: "10.10.0.1" });
    const input = { email: "sneaky@example.test", password: "a-fine-long-password", name: "S", role: "ADMIN" };
    expect(await codeOf(caller.auth.register(input as never))).toBe("BAD_REQUEST");
    expect(await t.database.prisma.user.findUnique({ where: { email: "sneaky@example.test" } })).toBeNull();
  });

  it("rejects status or role sent to updateProfile", async () => {
    const user = await t.createUser();
    const { caller } = await t.signIn(user.email);
    expect(await codeOf(caller.account.updateProfile({ name: "New", role: "ADMIN" } as never))).toBe("BAD_REQUEST");
    expect(await codeOf(caller.account.updateProfile({ name: "New", status: "ACTIVE" } as never))).toBe("BAD_REQUEST");
  });

  it("never returns a password hash or a session token", async () => {
    const admin = await t.createUser({ role: "ADMIN" });
    const { token, caller } = await t.signIn(admin.email);
    const registered = await (await t.anon({ ip: "10.10.0.2" })).auth.register({ email: "leak@example.test", password: "a-fine-long-password", name: "L" });
    const outputs = [
      registered,
      await caller.auth.me(),
      await caller.account.sessions(),
      await caller.admin.users.list({}),
      await caller.auth.login({ email: admin.email, password: TEST_PASSWORD }),
    ];
    const text = JSON.stringify(outputs);
    expect(text).not.toMatch(/passwordHash|password_hash|tokenHash|\$argon2/);
    expect(text).not.toContain(token);
  });
});

describe("registration", () => {
  it("creates a buyer, signs it in, and logs the sign-up for admins", async () => {
    const jarCaller = await t.anon({ ip: "10.11.0.1" });
    const user = await jarCaller.auth.register({ email: "new.buyer@example.test", password: "a-fine-long-password", name: " New Buyer " });
    expect(user).toMatchObject({ email: "new.buyer@example.test", name: "New Buyer", role: "BUYER", status: "ACTIVE" });
    const activity = await t.database.prisma.activity.findFirst({ where: { kind: "user.registered", subjectId: user.id } });
    expect(activity?.summary).toBe("New Buyer signed up");
    expect(t.sink.events.some((e) => e.name === "activity" && e.rooms.includes("admins"))).toBe(true);
  });

  it("refuses an email that is taken, whatever its case, on the email field", async () => {
    await t.createUser({ email: "taken@example.test" });
    const err = await errorOf((await t.anon({ ip: "10.11.0.2" })).auth.register({ email: "TAKEN@example.test", password: "a-fine-long-password", name: "T" }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.cause).toMatchObject({ fieldErrors: { email: [expect.any(String)] } });
  });

  it("gives zod field errors for bad input", async () => {
    const err = await errorOf((await t.anon({ ip: "10.11.0.3" })).auth.register({ email: "not-an-email", password: "short", name: "" }));
    expect(err.code).toBe("BAD_REQUEST");
  });
});
