import { describe, expect, it } from "vitest";
import { loginInput, registerInput } from "./auth.ts";

describe("auth input schemas", () => {
  it("normalise emails to trimmed lower case", () => {
    const parsed = registerInput.parse({ email: "  Ada@Example.TEST ", password: "long-enough", name: " Ada " });
    expect(parsed).toEqual({ email: "ada@example.test", password: "long-enough", name: "Ada" });
  });

  it("report field errors for each bad field", () => {
    const result = registerInput.safeParse({ email: "nope", password: "short", name: "" });
    expect(result.success).toBe(false);
    const fields = new Set(result.error!.issues.map((i) => i.path[0]));
    expect(fields).toEqual(new Set(["email", "password", "name"]));
  });

  it("are strict: unknown fields such as role are refused", () => {
    expect(registerInput.safeParse({ email: "a@b.test", password: "long-enough", name: "A", role: "ADMIN" }).success).toBe(false);
    expect(loginInput.safeParse({ email: "a@b.test", password: "x", remember: true }).success).toBe(false);
  });

  it("cap passwords at 128 characters", () => {
    expect(registerInput.safeParse({ email: "a@b.test", password: "p".repeat(128), name: "A" }).success).toBe(true);
    expect(registerInput.safeParse({ email: "a@b.test", password: "p".repeat(129), name: "A" }).success).toBe(false);
  });
});
