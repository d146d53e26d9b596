import { TRPCError, type AnyProcedure } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../../test/harness.ts";
import { createContextInner, MemoryCookieJar } from "../../trpc/context.ts";
import { appRouter, createCaller } from "../../trpc/root.ts";
import { TWO_FACTOR_LIMITS } from "./login-throttle.ts";
import { totpCode } from "./totp.ts";
import { tampered } from "../../test/tamper.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Caller = ReturnType<typeof createCaller>;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
  return "OK";
}

let ips = 0;
/** A browser of its own (cookie jar, IP), as the second sign-in step needs its pending cookie. */
async function browser(opts: { sessionToken?: string | null; pending?: string | null; ip?: string } = {}) {
  const cookies = new MemoryCookieJar();
  const ip = opts.ip ?? `10.41.${Math.floor(++ips / 250)}.${ips % 250}`;
  const caller = createCaller(
    await createContextInner({ deps: t.deps, cookies, ip, sessionToken: opts.sessionToken ?? null, pendingSignInToken: opts.pending ?? null }),
  );
  return { cookies, caller, ip };
}

/** A code the app would show `seconds` from now (30: the next step, still within the accepted drift). */
const codeIn = (secret: string, seconds: number) => totpCode(secret, new Date(Date.now() + seconds * 1000));

/** A user with two-factor on: set up and confirmed through the procedures, as the account page does. */
async function userWithTwoFactor(role: "BUYER" | "ADMIN" = "BUYER") {
  const user = await t.createUser({ role });
  const { caller, token } = await t.signIn(user.email);
  const { secret, otpauthUrl } = await caller.account.twoFactor.setup();
  expect(otpauthUrl).toContain(`secret=${secret}`);
  const { recoveryCodes } = await caller.account.twoFactor.enable({ code: await totpCode(secret) });
  return { user, secret, recoveryCodes, token, caller };
}

/** As if the last accepted code were a minute old: the next sign-in in a test may use a fresh code. */
async function timePasses(userId: string) {
  await t.database.prisma.user.update({ where: { id: userId }, data: { twoFactorLastStep: { decrement: 2 } } });
}

/** Signs in with the password: the pending sign-in's token, and no session. */
async function passwordStep(email: string) {
  const b = await browser();
  const answer = await b.caller.auth.login({ email, password: TEST_PASSWORD });
  expect(answer).toEqual({ twoFactorRequired: true });
  expect(b.cookies.token).toBeNull();
  expect(b.cookies.pendingSignIn).toMatch(/^[\w-]{43}$/);
  return b.cookies.pendingSignIn!;
}

describe("SECURITY 41: two-factor sign-in", () => {
  it("SECURITY 41: a password alone yields no session, and the pending sign-in reaches nothing an anonymous visitor could not", async () => {
    const { user, secret } = await userWithTwoFactor();
    const pending = await passwordStep(user.email);

    // The pending token, presented as a session cookie or as the pending cookie, is nobody.
    const asSession = await browser({ sessionToken: pending, pending });
    const anonymous = await browser();
    expect(await asSession.caller.auth.me()).toBeNull();
    const procedures = Object.keys(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).filter(
      (path) => !path.startsWith("auth.") && !path.endsWith(".confirmTest"),
    );
    expect(procedures.length).toBeGreaterThan(40);
    const call = (caller: Caller, path: string) => {
      let node: unknown = caller;
      for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
      return codeOf((node as (input: unknown) => Promise<unknown>)(undefined));
    };
    const differences: string[] = [];
    for (const path of procedures) {
      const [withPending, withNothing] = [await call(asSession.caller, path), await call(anonymous.caller, path)];
      if (withPending !== withNothing) differences.push(`${path}: ${withPending} (anonymous: ${withNothing})`);
    }
    expect(differences).toEqual([]);
    expect(await call(asSession.caller, "account.sessions")).toBe("UNAUTHORIZED");
    expect(await call(asSession.caller, "account.twoFactor.status")).toBe("UNAUTHORIZED");

    // The pending token is not a session in the database either, and the right code makes one.
    expect(await t.database.prisma.session.count({ where: { userId: user.id } })).toBe(1); // the set-up's own session
    const done = await browser({ pending });
    const me = await done.caller.auth.loginTwoFactor({ code: await codeIn(secret, 30) });
    expect(me.id).toBe(user.id);
    expect(done.cookies.token).toMatch(/^[\w-]{43}$/);
    expect(done.cookies.pendingSignIn).toBeNull();
    expect((await (await t.as(done.cookies.token)).auth.me())?.twoFactorEnabled).toBe(true);
    // Spent: the same pending sign-in opens no second session.
    await timePasses(user.id);
    expect(await codeOf((await browser({ pending })).caller.auth.loginTwoFactor({ code: await codeIn(secret, 30) }))).toBe("UNAUTHORIZED");
  });

  it("SECURITY 41: a code is accepted once: the same code again, or an older one, is refused within its window", async () => {
    const { user, secret } = await userWithTwoFactor();
    const code = await codeIn(secret, 30);
    const first = await browser({ pending: await passwordStep(user.email) });
    await first.caller.auth.loginTwoFactor({ code });
    const replay = await browser({ pending: await passwordStep(user.email) });
    const err = await replay.caller.auth.loginTwoFactor({ code }).catch((e: unknown) => e as TRPCError);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    expect(replay.cookies.token).toBeNull();
    // The current step's code is older than the one just used: refused as well.
    expect(await codeOf(replay.caller.auth.loginTwoFactor({ code: await totpCode(secret) }))).toBe("BAD_REQUEST");
    // Two requests racing with one fresh code: one session.
    await timePasses(user.id);
    const fresh = await codeIn(secret, 30);
    const [a, b] = [await browser({ pending: await passwordStep(user.email) }), await browser({ pending: await passwordStep(user.email) })];
    const results = await Promise.all([codeOf(a.caller.auth.loginTwoFactor({ code: fresh })), codeOf(b.caller.auth.loginTwoFactor({ code: fresh }))]);
    expect(results.sort()).toEqual(["BAD_REQUEST", "OK"]);
  });

  it("SECURITY 41: wrong codes are limited per user, and a right password buys no more guesses", async () => {
    const { user, secret } = await userWithTwoFactor();
    const wrong = async (code: string) => {
      const b = await browser({ pending: await passwordStep(user.email) });
      return codeOf(b.caller.auth.loginTwoFactor({ code }));
    };
    const right = await codeIn(secret, 30);
    const guesses = ["000000", "111111", "222222", "333333", "444444", "555555", "666666", "777777", "888888", "999999"].filter((g) => g !== right);
    const answers: string[] = [];
    // Each guess from a fresh password step (which clears the password budget) and a fresh IP.
    for (let i = 0; i < TWO_FACTOR_LIMITS.perUser.points; i++) answers.push(await wrong(guesses[i % guesses.length]!));
    expect(answers.every((a) => a === "BAD_REQUEST")).toBe(true);
    expect(await wrong(right)).toBe("TOO_MANY_REQUESTS");
    // Recovery codes share the budget.
    const b = await browser({ pending: await passwordStep(user.email) });
    expect(await codeOf(b.caller.auth.loginTwoFactor({ recoveryCode: "0000-0000-0000-0000" }))).toBe("TOO_MANY_REQUESTS");
  });

  it("SECURITY 41: recovery codes sign in once each, and are shown only once", async () => {
    const { user, recoveryCodes, caller } = await userWithTwoFactor();
    expect(recoveryCodes).toHaveLength(10);
    const stored = await t.database.prisma.recoveryCode.findMany({ where: { userId: user.id } });
    expect(stored.map((r) => r.codeHash).some((h) => recoveryCodes.some((c) => h.includes(c.replace(/-/g, ""))))).toBe(false);
    const code = recoveryCodes[3]!;
    const first = await browser({ pending: await passwordStep(user.email) });
    expect((await first.caller.auth.loginTwoFactor({ recoveryCode: code.toUpperCase() })).id).toBe(user.id);
    const again = await browser({ pending: await passwordStep(user.email) });
    expect(await codeOf(again.caller.auth.loginTwoFactor({ recoveryCode: code }))).toBe("BAD_REQUEST");
    expect(await (await t.as(first.cookies.token)).account.twoFactor.status()).toEqual({ enabled: true, recoveryCodesLeft: 9 });
    // Enabling again is refused while on: the codes cannot be shown a second time.
    expect(await codeOf(caller.account.twoFactor.setup())).toBe("CONFLICT");
    expect(await codeOf((await t.as(first.cookies.token)).account.twoFactor.setup())).toBe("CONFLICT");
    expect(await codeOf(caller.account.twoFactor.enable({ code: "123456" }))).toBe("CONFLICT");
  });

  it("SECURITY 41: the pending sign-in expires, and a tampered one is nobody's", async () => {
    const { user, secret } = await userWithTwoFactor();
    const pending = await passwordStep(user.email);
    expect(await codeOf((await browser({ pending: tampered(pending) })).caller.auth.loginTwoFactor({ code: await codeIn(secret, 30) }))).toBe(
      "UNAUTHORIZED",
    );
    expect(await codeOf((await browser()).caller.auth.loginTwoFactor({ code: await codeIn(secret, 30) }))).toBe("UNAUTHORIZED");
    await t.database.prisma.loginChallenge.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await codeOf((await browser({ pending })).caller.auth.loginTwoFactor({ code: await codeIn(secret, 30) }))).toBe("UNAUTHORIZED");
  });

  it("turning it on signs out the other sessions; turning it off needs the password and a code", async () => {
    const user = await t.createUser();
    const other = await t.signIn(user.email);
    const { caller } = await t.signIn(user.email);
    const { secret } = await caller.account.twoFactor.setup();
    expect(await codeOf(caller.account.twoFactor.enable({ code: "000000" === (await totpCode(secret)) ? "111111" : "000000" }))).toBe("BAD_REQUEST");
    await caller.account.twoFactor.enable({ code: await totpCode(secret) });
    expect(await (await t.as(other.token)).auth.me()).toBeNull();
    expect((await caller.auth.me())?.twoFactorEnabled).toBe(false); // this request's context was resolved before

    const code = await codeIn(secret, 30);
    expect(await codeOf(caller.account.twoFactor.disable({ password: "not-the-password", code }))).toBe("BAD_REQUEST");
    expect(await codeOf(caller.account.twoFactor.disable({ password: TEST_PASSWORD, code: "123456" === code ? "654321" : "123456" }))).toBe("BAD_REQUEST");
    expect((await caller.account.twoFactor.status()).enabled).toBe(true);
    await caller.account.twoFactor.disable({ password: TEST_PASSWORD, code });
    expect(await caller.account.twoFactor.status()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(await t.database.prisma.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    // Off: the password signs in again.
    expect((await t.signIn(user.email)).token).toMatch(/^[\w-]{43}$/);
  });
});
