import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DomainError } from "../lib/errors.ts";
import { formatError } from "./errors.ts";

const shape = (error: TRPCError) => ({
  shape: { message: error.message, code: -32600, data: { code: error.code, httpStatus: 400, path: "x", stack: "Error: at /work/secret.ts:1" } },
  error,
});

describe("formatError", () => {
  it("keys zod field errors by their full path, for nested form fields", () => {
    const schema = z.strictObject({ shippingAddress: z.strictObject({ city: z.string().min(1, "Enter the city") }), variants: z.array(z.strictObject({ sku: z.string().min(1, "Enter a SKU") })) });
    const result = schema.safeParse({ shippingAddress: { city: "" }, variants: [{ sku: "ok" }, { sku: "" }], extra: 1 });
    const error = new TRPCError({ code: "BAD_REQUEST", cause: result.error });
    const out = formatError(shape(error) as never, false);
    expect(out.message).toBe("Invalid input");
    expect(out.data.fieldErrors).toEqual({ "shippingAddress.city": ["Enter the city"], "variants.1.sku": ["Enter a SKU"] });
    expect(out.data.formErrors).toEqual([expect.stringContaining("extra")]);
  });

  it("passes a domain error's field errors and details through", () => {
    const cause = new DomainError("PRECONDITION_FAILED", "Out of stock", { quantity: ["Only 2 left"] }, { variantIds: ["v1"] });
    const out = formatError(shape(new TRPCError({ code: "PRECONDITION_FAILED", message: cause.message, cause })) as never, false);
    expect(out.data).toMatchObject({ fieldErrors: { quantity: ["Only 2 left"] }, details: { variantIds: ["v1"] } });
  });

  it("hides internal errors' messages and every stack outside development", () => {
    const error = new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: 'relation "users" does not exist' });
    const s = shape(error);
    s.shape.data.code = "INTERNAL_SERVER_ERROR" as never;
    const out = formatError(s as never, false);
    expect(out.message).toBe("Internal server error");
    expect(JSON.stringify(out)).not.toMatch(/users|secret\.ts/);
    expect(formatError(s as never, true).data).toHaveProperty("stack");
  });
});
