import argon2 from "argon2";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, expect, it, vi, type MockInstance } from "vitest";
import { DomainError } from "../../lib/errors.ts";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../../test/harness.ts";
import { describeEachLimiterStore, type MadeStore } from "../../test/limiter-stores.ts";
import { LOGIN_LIMITS, PASSWORD_CHECK_LIMITS } from "./login-throttle.ts";

/** What a call ended with: "OK", a tRPC code, and the retry time a TOO_MANY_REQUESTS named. */
async function outcome(p: Promise<unknown>): Promise<{ code: string; retryAfterSeconds?: number }> {
  try {
    await p;
    return { code: "OK" };
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    const retry = err.cause instanceof DomainError ? err.cause.details?.retryAfterSeconds : undefined;
    return { code: err.code, retryAfterSeconds: typeof retry === "number" ? retry : undefined };
  }
}

const count = (results: { code: string }[], code: string) => results.filter((r) => r.code === code).length;
const WINDOW_SECONDS = LOGIN_LIMITS.perAccount.durationSeconds;

describeEachLimiterStore("SECURITY 32: limits hold under concurrency (%s)", (name, makeStore) => {
  let t: TestApp;
  let made: MadeStore;
  let verify: MockInstance<typeof argon2.verify>;

  beforeAll(async () => {
    made = await makeStore();
    t = await createTestApp({ limits: made.store });
  });
  afterAll(async () => {
    await t.close();
    await made.close();
  });
  afterEach(() => {
    verify?.mockRestore();
  });

  it("SECURITY 32: 60 concurrent wrong logins for one account from 60 IPs verify at most 10 passwords; the rest wait the real window", async () => {
    const user = await t.createUser();
    const callers = await Promise.all(Array.from({ length: 60 }, (_, i) => t.anon({ ip: `10.32.1.${i}` })));
    verify = vi.spyOn(argon2, "verify");
    const results = await Promise.all(callers.map((c) => outcome(c.auth.login({ email: user.email, password: "wrong-password" }))));
    expect(verify.mock.calls.length).toBeLessThanOrEqual(LOGIN_LIMITS.perAccount.points);
    expect(count(results, "UNAUTHORIZED")).toBe(verify.mock.calls.length);
    expect(count(results, "TOO_MANY_REQUESTS")).toBe(60 - verify.mock.calls.length);
    for (const r of results.filter((r) => r.code === "TOO_MANY_REQUESTS")) {
      expect(r.retryAfterSeconds).toBeGreaterThan(WINDOW_SECONDS - 60);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
    }
    // Even the right password waits for the window: the account's budget is spent.
    const late = await outcome((await t.anon({ ip: "10.32.2.1" })).auth.login({ email: user.email, password: TEST_PASSWORD }));
    expect(late.code).toBe("TOO_MANY_REQUESTS");
    expect(late.retryAfterSeconds).toBeGreaterThan(WINDOW_SECONDS - 60);
    if (name === "on Redis") expect(await made.redisKeys()).toContainEqual(expect.stringMatching(/rl:login:account:/));
  }, 120_000);

  it("SECURITY 32: 150 concurrent wrong logins from one IP over many accounts verify at most 50 passwords", async () => {
    const users = await Promise.all(Array.from({ length: 15 }, () => t.createUser()));
    const caller = await t.anon({ ip: "10.32.3.1" });
    verify = vi.spyOn(argon2, "verify");
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) => outcome(caller.auth.login({ email: users[i % users.length]!.email, password: "wrong-password" }))),
    );
    expect(verify.mock.calls.length).toBeLessThanOrEqual(LOGIN_LIMITS.perIp.points);
    expect(count(results, "UNAUTHORIZED")).toBe(verify.mock.calls.length);
    expect(count(results, "TOO_MANY_REQUESTS")).toBe(150 - verify.mock.calls.length);
    expect(Math.min(...results.flatMap((r) => r.retryAfterSeconds ?? []))).toBeGreaterThan(WINDOW_SECONDS - 60);
  }, 180_000);

  it("SECURITY 32: a successful login spends no budget: the account's count is cleared and the IP's attempt given back", async () => {
    const user = await t.createUser();
    const caller = await t.anon({ ip: "10.32.4.1" });
    for (let i = 0; i < LOGIN_LIMITS.perAccount.points - 1; i++) {
      expect((await outcome(caller.auth.login({ email: user.email, password: "wrong-password" }))).code).toBe("UNAUTHORIZED");
    }
    expect((await outcome(caller.auth.login({ email: user.email, password: TEST_PASSWORD }))).code).toBe("OK");
    // Ten more wrong guesses are verified again: the success cleared the account's nine.
    for (let i = 0; i < LOGIN_LIMITS.perAccount.points; i++) {
      expect((await outcome(caller.auth.login({ email: user.email, password: "wrong-password" }))).code).toBe("UNAUTHORIZED");
    }
    expect((await outcome(caller.auth.login({ email: user.email, password: "wrong-password" }))).code).toBe("TOO_MANY_REQUESTS");
    // Many successes from one IP (a shared office address) never exhaust the IP's budget.
    const other = await t.createUser();
    for (let i = 0; i < LOGIN_LIMITS.perIp.points + 5 - 2 * LOGIN_LIMITS.perAccount.points; i++) {
      expect((await outcome(caller.auth.login({ email: other.email, password: TEST_PASSWORD }))).code).toBe("OK");
    }
  }, 180_000);

  it("SECURITY 32: 60 concurrent password changes with a wrong current password verify it at most 10 times", async () => {
    const user = await t.createUser();
    const { token } = await t.signIn(user.email);
    const callers = await Promise.all(Array.from({ length: 60 }, (_, i) => t.as(token, { ip: `10.32.5.${i}` })));
    verify = vi.spyOn(argon2, "verify");
    const results = await Promise.all(
      callers.map((c) => outcome(c.account.changePassword({ currentPassword: "wrong-password", newPassword: "a-brand-new-passphrase" }))),
    );
    expect(verify.mock.calls.length).toBeLessThanOrEqual(PASSWORD_CHECK_LIMITS.perUser.points);
    expect(count(results, "BAD_REQUEST")).toBe(verify.mock.calls.length);
    expect(count(results, "TOO_MANY_REQUESTS")).toBe(60 - verify.mock.calls.length);
    expect(Math.min(...results.flatMap((r) => r.retryAfterSeconds ?? []))).toBeGreaterThan(WINDOW_SECONDS - 60);
    // The right password waits too: the guesses spent the user's budget.
    const late = await outcome(callers[0]!.account.changePassword({ currentPassword: TEST_PASSWORD, newPassword: "a-brand-new-passphrase" }));
    expect(late.code).toBe("TOO_MANY_REQUESTS");
  }, 120_000);

  it("SECURITY 32: wrong current passwords from one IP over many sessions verify at most 50 times", async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => t.createUser()));
    const sessions = await Promise.all(users.map((u) => t.signIn(u.email)));
    const callers = await Promise.all(sessions.map((s) => t.as(s.token, { ip: "10.32.6.1" })));
    verify = vi.spyOn(argon2, "verify");
    const results = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        outcome(callers[i % callers.length]!.account.changePassword({ currentPassword: "wrong-password", newPassword: "a-brand-new-passphrase" })),
      ),
    );
    expect(verify.mock.calls.length).toBeLessThanOrEqual(PASSWORD_CHECK_LIMITS.perIp.points);
    expect(count(results, "TOO_MANY_REQUESTS")).toBe(80 - verify.mock.calls.length);
  }, 180_000);
});
