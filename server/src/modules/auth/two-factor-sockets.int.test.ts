import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type MarketplaceServer } from "../../server.ts";
import { createTestApp, TEST_PASSWORD, type TestApp } from "../../test/harness.ts";
import { connected, openSocket, type ClientSocket } from "../../test/sockets.ts";
import { createContextInner, MemoryCookieJar } from "../../trpc/context.ts";
import { createCaller } from "../../trpc/root.ts";
import { rooms } from "../../realtime/publish.ts";
import { totpCode } from "./totp.ts";

/**
 * Two-factor and the real server: the pending sign-in's cookie on a socket, and admins held at
 * the set-up in production (REQUIRE_ADMIN_2FA defaults to true there).
 */
let t: TestApp;
let server: MarketplaceServer;
let url: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await createTestApp({ config: { PORT: "0", NODE_ENV: "production", PAYMENTS: "test", MAIL: "off" } });
  server = await createServer(t.deps);
  url = await server.start();
  t.deps = server.deps;
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server.stop();
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

/** The rooms the server put a connected socket in, its own id's room left out. */
async function roomsOf(socket: ClientSocket): Promise<string[]> {
  const [held] = await server.realtime.io.in(socket.id!).fetchSockets();
  return [...held!.rooms].filter((r) => r !== socket.id).sort();
}

async function socketWith(cookieName: string, token: string) {
  const s = openSocket(url, { token, cookieName });
  sockets.push(s);
  await connected(s);
  return s;
}

describe("SECURITY 41: two-factor and the real server", () => {
  it("SECURITY 41: the pending sign-in opens no socket with private rooms, under either cookie name", async () => {
    const user = await t.createUser();
    const { caller } = await t.signIn(user.email);
    const { secret } = await caller.account.twoFactor.setup();
    await caller.account.twoFactor.enable({ code: await totpCode(secret) });
    const cookies = new MemoryCookieJar();
    await createCaller(await createContextInner({ deps: t.deps, cookies, ip: "10.42.0.1" })).auth.login({ email: user.email, password: TEST_PASSWORD });
    const pending = cookies.pendingSignIn!;
    expect(pending).toBeTruthy();
    for (const name of ["__Host-pending-sign-in", "__Host-session", "pending-sign-in", "session"]) {
      expect(await roomsOf(await socketWith(name, pending))).toEqual([]);
    }
    // Once the code is given, the session's socket is in the user's rooms: the check above could fail.
    const done = new MemoryCookieJar();
    await createCaller(await createContextInner({ deps: t.deps, cookies: done, ip: "10.42.0.1", pendingSignInToken: pending })).auth.loginTwoFactor({
      code: await totpCode(secret, new Date(Date.now() + 30_000)),
    });
    expect(await roomsOf(await socketWith("__Host-session", done.token!))).toContain(rooms.user(user.id));
  });

  it("SECURITY 41: in production an admin without two-factor reaches only its set-up, and hears nothing meant for admins", async () => {
    const admin = await t.createUser({ role: "ADMIN" });
    const { caller, token } = await t.signIn(admin.email);
    expect(t.deps.config.REQUIRE_ADMIN_2FA).toBe(true);
    expect((await caller.auth.me())?.role).toBe("ADMIN");
    const calls = [() => caller.admin.users.list({}), () => caller.account.sessions(), () => caller.cart.get()];
    expect(await caller.account.twoFactor.status()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    for (const call of calls) expect(await codeOf(call())).toBe("FORBIDDEN");
    expect(await roomsOf(await socketWith("__Host-session", token))).not.toContain(rooms.admins());

    const { secret } = await caller.account.twoFactor.setup();
    await caller.account.twoFactor.enable({ code: await totpCode(secret) });
    const now = await t.as(token);
    expect(await codeOf(now.admin.users.list({}))).toBe("OK");
    expect(await codeOf(now.account.sessions())).toBe("OK");
    expect(await roomsOf(await socketWith("__Host-session", token))).toContain(rooms.admins());
  });
});
