import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../../test/harness.ts";
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from "../../test/smtp-server.ts";
import { createContextInner, MemoryCookieJar } from "../../trpc/context.ts";
import { createCaller } from "../../trpc/root.ts";
import { smtpTransport, type MailTransport } from "../mail/mail-transport.ts";
import { deliverDueMail } from "../mail/mail-worker.ts";
import { LINK_LIMITS, RESET_ANSWER_FLOOR_MS } from "./account-links.service.ts";
import { hashToken } from "./session.service.ts";
import { totpCode } from "./totp.ts";
import { tampered } from "../../test/tamper.ts";

/**
 * Mailed links against a real SMTP server in this process: every link a test opens is read from
 * the mail as it arrived (smtp-server + mailparser), never from the database.
 */
let t: TestApp;
let smtp: TestSmtpServer;
let transport: MailTransport;

beforeAll(async () => {
  t = await createTestApp();
  smtp = await startTestSmtpServer();
  transport = smtpTransport(smtp.url, "Bazaar <no-reply@shop.example>");
});
afterAll(async () => {
  transport.close();
  await smtp.close();
  await t.close();
});
beforeEach(() => {
  smtp.received.length = 0;
});

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
const nextIp = () => `10.40.${Math.floor(++ips / 250)}.${ips % 250}`;
async function browser(opts: { sessionToken?: string | null; ip?: string } = {}) {
  const cookies = new MemoryCookieJar();
  const caller = createCaller(await createContextInner({ deps: t.deps, cookies, ip: opts.ip ?? nextIp(), sessionToken: opts.sessionToken ?? null }));
  return { cookies, caller };
}

/** Sends what the outbox holds, and the mails `to` received, newest last. */
async function inbox(to: string): Promise<ReceivedMail[]> {
  await deliverDueMail(t.database.prisma, transport, { publicUrl: "https://shop.example", maxAttempts: 3, backoffMs: () => 0 });
  return smtp.received.filter((m) => m.to === to);
}

/** The token of the link to `path` in the newest mail to `to` with that subject. */
async function linkToken(to: string, subject: RegExp, path: "/verify-email" | "/reset-password"): Promise<string> {
  const mail = (await inbox(to)).filter((m) => subject.test(m.subject)).at(-1);
  expect(mail, `a mail "${String(subject)}" to ${to}`).toBeDefined();
  const link = new RegExp(`https://shop\\.example${path}\\?token=([\\w-]+)`).exec(mail!.text);
  expect(link, `a ${path} link in the mail`).not.toBeNull();
  // The HTML part carries the same link.
  expect(mail!.html).toContain(`https://shop.example${path}?token=${link![1]}`);
  return link![1]!;
}

async function signUp(email: string) {
  const b = await browser();
  await b.caller.auth.register({ email, password: "a-fine-long-password", name: "Vera <Verify>" });
  const token = b.cookies.token;
  // A caller per request, as a browser's requests each resolve the session afresh.
  return { ...b, session: { get caller() { return t.as(token); } } };
}

describe("SECURITY 40: mailed verification and reset links", () => {
  it("SECURITY 40: sign-up mails a verification link, stored hashed, that verifies once", async () => {
    const { session } = await signUp("vera@example.test");
    expect((await (await session.caller).auth.me())?.emailVerified).toBe(false);
    const token = await linkToken("vera@example.test", /Confirm your email/, "/verify-email");
    expect(token).toMatch(/^[\w-]{43}$/);
    const [mail] = await inbox("vera@example.test");
    expect(mail!.html).toContain("Vera &lt;Verify&gt;");
    // Only the hash is kept, and the delivered message's data is forgotten.
    const rows = await t.database.prisma.accountToken.findMany({ where: { user: { email: "vera@example.test" } } });
    expect(rows.map((r) => r.tokenHash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(await t.database.prisma.mailOutbox.findMany())).not.toContain(token);

    // Opened in another browser (the phone's mail app): no session needed.
    expect(await (await browser()).caller.auth.verifyEmail({ token })).toEqual({ verified: true });
    expect((await (await session.caller).auth.me())?.emailVerified).toBe(true);
    expect(await codeOf((await browser()).caller.auth.verifyEmail({ token }))).toBe("BAD_REQUEST");
  });

  it("SECURITY 40: an expired, tampered, superseded or other-kind token is refused with one message", async () => {
    const { session } = await signUp("tess@example.test");
    const first = await linkToken("tess@example.test", /Confirm your email/, "/verify-email");
    await (await session.caller).auth.resendVerification();
    const second = await linkToken("tess@example.test", /Confirm your email/, "/verify-email");
    expect(second).not.toBe(first);
    const anon = (await browser()).caller;
    const err = await anon.auth.verifyEmail({ token: first }).catch((e: unknown) => e as TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST"); // superseded by the newer link
    const tamperedToken = tampered(second, 10);
    const tamperedErr = await anon.auth.verifyEmail({ token: tamperedToken }).catch((e: unknown) => e as TRPCError);
    expect((tamperedErr as TRPCError).message).toBe((err as TRPCError).message);
    // A verification token is no reset token.
    expect(await codeOf(anon.auth.resetPassword({ token: second, password: "another-long-password" }))).toBe("BAD_REQUEST");
    await t.database.prisma.accountToken.updateMany({ where: { tokenHash: hashToken(second) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await codeOf(anon.auth.verifyEmail({ token: second }))).toBe("BAD_REQUEST");
    expect((await (await session.caller).auth.me())?.emailVerified).toBe(false);
  });

  it("SECURITY 40: a link verifies its own user and address only, never the user who opens it", async () => {
    const a = await signUp("ann@example.test");
    const b = await signUp("bob@example.test");
    const annToken = await linkToken("ann@example.test", /Confirm your email/, "/verify-email");
    await (await b.session.caller).auth.verifyEmail({ token: annToken });
    expect((await (await b.session.caller).auth.me())?.emailVerified).toBe(false);
    expect((await (await a.session.caller).auth.me())?.emailVerified).toBe(true);

    // A link for an address the account no longer has proves nothing.
    const bobToken = await linkToken("bob@example.test", /Confirm your email/, "/verify-email");
    await (await b.session.caller).account.changeEmail({ email: "bob.new@example.test", password: "a-fine-long-password" });
    expect(await codeOf((await b.session.caller).auth.verifyEmail({ token: bobToken }))).toBe("BAD_REQUEST");
  });

  it("SECURITY 40: forgot password answers the same, after the same time, whether or not the address has an account", async () => {
    const user = await t.createUser({ email: "known@example.test" });
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 3; i++) {
      for (const [kind, email] of [["known", user.email], ["unknown", `nobody${i}@example.test`]] as const) {
        const started = performance.now();
        expect(await (await browser()).caller.auth.requestPasswordReset({ email })).toEqual({ sent: true });
        timings[kind].push(performance.now() - started);
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    for (const kind of ["known", "unknown"] as const) expect(median(timings[kind])).toBeGreaterThanOrEqual(RESET_ANSWER_FLOOR_MS - 5);
    expect(Math.abs(median(timings.known) - median(timings.unknown))).toBeLessThan(60);
    expect((await inbox(user.email)).filter((m) => /Reset your password/.test(m.subject))).toHaveLength(3);
    expect(smtp.received.filter((m) => m.to.startsWith("nobody"))).toHaveLength(0);
    // The per-address limit answers alike for both.
    expect(await codeOf((await browser()).caller.auth.requestPasswordReset({ email: user.email }))).toBe("TOO_MANY_REQUESTS");
    for (let i = 0; i < LINK_LIMITS.resetPerEmail.points; i++) await (await browser()).caller.auth.requestPasswordReset({ email: "ghost@example.test" });
    expect(await codeOf((await browser()).caller.auth.requestPasswordReset({ email: "ghost@example.test" }))).toBe("TOO_MANY_REQUESTS");
  });

  it("SECURITY 40: a reset link sets the password once and revokes every session, pending two-factor sign-ins included", async () => {
    const user = await t.createUser({ email: "rita@example.test", verified: false });
    const one = await t.signIn(user.email);
    const two = await t.signIn(user.email);
    await (await browser()).caller.auth.requestPasswordReset({ email: user.email });
    const token = await linkToken(user.email, /Reset your password/, "/reset-password");
    expect(await codeOf((await browser()).caller.auth.resetPassword({ token, password: "password" }))).toBe("BAD_REQUEST"); // policy first; the link is not spent
    expect(await (await browser()).caller.auth.resetPassword({ token, password: "a-brand-new-password" })).toEqual({ reset: true });
    expect(await (await t.as(one.token)).auth.me()).toBeNull();
    expect(await (await t.as(two.token)).auth.me()).toBeNull();
    expect(t.sink.revokedSessions.length).toBeGreaterThanOrEqual(2);
    expect(await codeOf((await browser()).caller.auth.resetPassword({ token, password: "a-third-long-password" }))).toBe("BAD_REQUEST");
    expect(await codeOf((await browser()).caller.auth.login({ email: user.email, password: TEST_PASSWORD }))).toBe("UNAUTHORIZED");
    const fresh = await browser();
    await fresh.caller.auth.login({ email: user.email, password: "a-brand-new-password" });
    // Receiving the link proved the address; the owner is told the password changed.
    expect((await (await t.as(fresh.cookies.token)).auth.me())?.emailVerified).toBe(true);
    expect((await inbox(user.email)).some((m) => /Your password was changed/.test(m.subject))).toBe(true);

    // With two-factor on, a reset also drops a pending sign-in, and the next sign-in still asks a code.
    const caller = await t.as(fresh.cookies.token);
    const { secret } = await caller.account.twoFactor.setup();
    await caller.account.twoFactor.enable({ code: await totpCode(secret) });
    const pending = await browser();
    expect(await pending.caller.auth.login({ email: user.email, password: "a-brand-new-password" })).toEqual({ twoFactorRequired: true });
    await (await browser()).caller.auth.requestPasswordReset({ email: user.email });
    await (await browser()).caller.auth.resetPassword({ token: await linkToken(user.email, /Reset your password/, "/reset-password"), password: "a-fourth-long-password" });
    expect(await t.database.prisma.loginChallenge.count({ where: { userId: user.id } })).toBe(0);
    expect(await (await browser()).caller.auth.login({ email: user.email, password: "a-fourth-long-password" })).toEqual({ twoFactorRequired: true });
  });

  it("changing the email re-verifies the new address and tells the old one", async () => {
    const user = await t.createUser({ email: "old.address@example.test", name: "Olga" });
    const { caller } = await t.signIn(user.email);
    expect(await codeOf(caller.account.changeEmail({ email: "new.address@example.test", password: "wrong-password" }))).toBe("BAD_REQUEST");
    const me = await caller.account.changeEmail({ email: "New.Address@example.test", password: TEST_PASSWORD });
    expect(me).toMatchObject({ email: "new.address@example.test", emailVerified: false });
    const told = (await inbox("old.address@example.test")).find((m) => /email address was changed/.test(m.subject));
    expect(told?.text).toContain("new.address@example.test");
    const token = await linkToken("new.address@example.test", /Confirm your email/, "/verify-email");
    await (await browser()).caller.auth.verifyEmail({ token });
    expect((await caller.auth.me())?.emailVerified).toBe(true);
    const taken = await t.createUser();
    expect(await codeOf(caller.account.changeEmail({ email: taken.email, password: TEST_PASSWORD }))).toBe("BAD_REQUEST");
  });

  it("a password sign-in from a browser the account has not used is told to its owner", async () => {
    const user = await t.createUser({ email: "nina@example.test" });
    const signInWith = async (userAgent: string) =>
      createCaller(await createContextInner({ deps: t.deps, ip: nextIp(), userAgent })).auth.login({ email: user.email, password: TEST_PASSWORD });
    await signInWith("Firefox on the laptop"); // the account's first browser: nothing to compare with
    await signInWith("Firefox on the laptop");
    expect((await inbox(user.email)).filter((m) => /New sign-in/.test(m.subject))).toHaveLength(0);
    await signInWith("Safari on a stranger's phone");
    await signInWith("Safari on a stranger's phone");
    const told = (await inbox(user.email)).filter((m) => /New sign-in/.test(m.subject));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).toContain("Safari on a stranger's phone");
  });

  it("opening a shop needs a verified email", async () => {
    const { session } = await signUp("shopkeeper@example.test");
    const err = await (await session.caller).shop.create({ name: "Unverified Wares" }).catch((e: unknown) => e as TRPCError);
    expect((err as TRPCError).code).toBe("FORBIDDEN");
    expect((err as TRPCError).message).toMatch(/Verify your email/);
    await (await session.caller).auth.verifyEmail({ token: await linkToken("shopkeeper@example.test", /Confirm your email/, "/verify-email") });
    expect((await (await session.caller).shop.create({ name: "Verified Wares" })).status).toBe("PENDING");
  });
});
