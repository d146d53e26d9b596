import { describe, expect, it } from "vitest";
import { needsRehash, verifyPassword } from "../../modules/auth/password.ts";
import { DEMO_PASSWORD, DEMO_PASSWORD_HASH } from "./data/people.ts";

describe("the demo accounts' stored password hash", () => {
  it("is the demo password's", async () => {
    expect(await verifyPassword(DEMO_PASSWORD_HASH, DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(DEMO_PASSWORD_HASH, `${DEMO_PASSWORD}x`)).toBe(false);
  });

  it("is made with today's argon2 parameters (a sign-in would otherwise rehash it)", () => {
    expect(needsRehash(DEMO_PASSWORD_HASH)).toBe(false);
  });
});
