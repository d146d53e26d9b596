import { describe, expect, it } from "vitest";
import { errorOf, offlineApi, testApi } from "../test/api-server.ts";
import { formMessage, isUnauthorized, readApiError } from "./trpc.ts";

describe("an API error, read for a person", () => {
  it("keeps zod's field errors keyed by field, with the schema's own messages", async () => {
    const err = readApiError(await errorOf(testApi.register.mutate({ name: "", email: "nope", password: "short" })));
    expect(err.code).toBe("BAD_REQUEST");
    expect(Object.keys(err.fieldErrors).sort()).toEqual(["email", "name", "password"]);
    expect(err.fieldErrors.password?.[0]).toMatch(/at least 8 characters/i);
    expect(err.formErrors).toEqual([]);
  });

  it("keys nested fields by their full path", async () => {
    const err = readApiError(await errorOf(testApi.variants.mutate({ variants: [{ sku: "A" }, { sku: "" }] })));
    expect(err.fieldErrors).toEqual({ "variants.1.sku": ["Enter a SKU"] });
  });

  it("carries a domain error's code, message and field errors", async () => {
    const err = readApiError(
      await errorOf(testApi.fail.mutate({ kind: "CONFLICT", message: "That email is taken", fieldErrors: { email: ["That email is taken"] } })),
    );
    expect(err).toMatchObject({ code: "CONFLICT", message: "That email is taken", fieldErrors: { email: ["That email is taken"] } });
  });

  it("keeps only non-empty field lists, so a form can test a field directly", async () => {
    const err = readApiError(await errorOf(testApi.fail.mutate({ kind: "BAD_REQUEST", message: "Invalid input", fieldErrors: { email: [], name: ["Enter your name"] } })));
    expect(err.fieldErrors).toEqual({ name: ["Enter your name"] });
  });

  it("says UNAUTHORIZED and TOO_MANY_REQUESTS in the server's words", async () => {
    const wrong = await errorOf(testApi.fail.mutate({ kind: "UNAUTHORIZED", message: "Wrong email or password" }));
    expect(readApiError(wrong)).toMatchObject({ code: "UNAUTHORIZED", message: "Wrong email or password" });
    expect(isUnauthorized(wrong)).toBe(true);
    const limited = await errorOf(testApi.fail.mutate({ kind: "TOO_MANY_REQUESTS", message: "Too many attempts: try again in 15 minutes" }));
    expect(readApiError(limited)).toMatchObject({ code: "TOO_MANY_REQUESTS", message: "Too many attempts: try again in 15 minutes" });
    expect(isUnauthorized(limited)).toBe(false);
  });

  it("never shows an internal error's own message", async () => {
    const err = readApiError(await errorOf(testApi.crash.mutate()));
    expect(err.code).toBe("INTERNAL_SERVER_ERROR");
    expect(err.message).toBe("Something went wrong on our side. Please try again.");
  });

  it("says the server could not be reached when no answer came back", async () => {
    const err = readApiError(await errorOf(offlineApi.crash.mutate()));
    expect(err).toMatchObject({ code: "NETWORK", message: "We could not reach the server. Check your connection and try again." });
  });

  it("turns anything else thrown into a generic message", () => {
    expect(readApiError(new Error("boom"))).toMatchObject({ code: "UNKNOWN", message: "Something went wrong. Please try again." });
    expect(readApiError("a string")).toMatchObject({ code: "UNKNOWN" });
  });
});

describe("the form-level message beside the field messages", () => {
  it("is nothing when every field error shows beside one of the form's fields", async () => {
    const err = readApiError(await errorOf(testApi.register.mutate({ name: "", email: "nope", password: "long-enough" })));
    expect(formMessage(err, ["name", "email", "password"])).toBeNull();
  });

  it("names the field errors the form has no field for, so none is dropped", async () => {
    const err = readApiError(
      await errorOf(testApi.fail.mutate({ kind: "BAD_REQUEST", message: "Invalid input", fieldErrors: { email: ["Taken"], captcha: ["Solve the puzzle"] } })),
    );
    expect(formMessage(err, ["email"])).toBe("Solve the puzzle");
  });

  it("is the error's message when there are no field errors", async () => {
    const err = readApiError(await errorOf(testApi.fail.mutate({ kind: "FORBIDDEN", message: "Your account is suspended" })));
    expect(formMessage(err, ["email", "password"])).toBe("Your account is suspended");
  });
});
