import { loginInput, registerInput } from "@marketplace/shared";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { errorOf, testApi } from "../test/api-server.ts";
import { usePathErrors, useFormErrors } from "./forms.ts";

describe("a form's messages (useFormErrors)", () => {
  it("checks the values with the shared schema first, and sends nothing while they are invalid", async () => {
    const form = useFormErrors(["name", "email", "password"] as const);
    let sent = 0;
    await form.submit(registerInput, { name: "", email: "not-an-email", password: "short" }, async () => {
      sent++;
    });
    expect(sent).toBe(0);
    expect(Object.keys(form.fieldErrors.value).sort()).toEqual(["email", "name", "password"]);
    expect(form.formError.value).toBeNull();
  });

  it("sends the parsed input (trimmed, lower-cased) when the values pass", async () => {
    const form = useFormErrors(["email", "password"] as const);
    const sent: unknown[] = [];
    await form.submit(loginInput, { email: "  Ada@Example.TEST ", password: "x" }, async (input) => {
      sent.push(input);
    });
    expect(sent).toEqual([{ email: "ada@example.test", password: "x" }]);
    expect(form.fieldErrors.value).toEqual({});
  });

  it("puts the server's field errors beside their fields and clears the last attempt's", async () => {
    const form = useFormErrors(["name", "email", "password"] as const);
    await form.submit(registerInput, { name: "", email: "x", password: "" }, async () => {});
    expect(form.fieldErrors.value.name).toBeDefined();
    await form.submit(registerInput, { name: "Carl", email: "carl@example.test", password: "password123" }, async () => {
      await testApi.fail.mutate({ kind: "BAD_REQUEST", message: "Invalid input", fieldErrors: { password: ["This password is too common"] } });
    });
    expect(form.fieldErrors.value).toEqual({ password: ["This password is too common"] });
    expect(form.formError.value).toBeNull();
  });

  it("shows a tRPC error without field errors as the form's message (wrong password, rate limit)", async () => {
    const form = useFormErrors(["email", "password"] as const);
    await form.submit(loginInput, { email: "a@b.test", password: "nope" }, async () => {
      await testApi.fail.mutate({ kind: "UNAUTHORIZED", message: "Wrong email or password" });
    });
    expect(form.formError.value).toBe("Wrong email or password");
    expect(form.fieldErrors.value).toEqual({});
  });

  it("keeps field errors for fields the form does not show as the form's message", async () => {
    const form = useFormErrors(["email"] as const);
    const api = form.fromError(await errorOf(testApi.fail.mutate({ kind: "BAD_REQUEST", message: "Invalid input", fieldErrors: { shopName: ["Pick another name"] } })));
    expect(api.code).toBe("BAD_REQUEST");
    expect(form.fieldErrors.value).toEqual({});
    expect(form.formError.value).toBe("Pick another name");
  });

  it("shows a failure after the call (in what follows its success) too", async () => {
    const form = useFormErrors(["email"] as const);
    await form.submit(z.object({ email: z.string() }), { email: "a" }, async () => {
      await testApi.crash.mutate();
    });
    expect(form.formError.value).toBe("Something went wrong on our side. Please try again.");
  });
});

describe("messages by path, for forms whose fields come and go (usePathErrors)", () => {
  const schema = z.strictObject({ title: z.string().min(1, "Enter a title"), variants: z.array(z.strictObject({ sku: z.string().min(1, "Enter a SKU") })) });

  it("keys the schema's messages by path, the caller's own findings first", () => {
    const form = usePathErrors(() => ["title", "variants.0.sku", "variants.1.sku"]);
    const out = form.validate(schema, { title: "", variants: [{ sku: "a" }, { sku: "" }] }, { title: ["Titles start with a letter"] });
    expect(out).toBeNull();
    expect(form.errors.value).toEqual({ title: ["Titles start with a letter", "Enter a title"], "variants.1.sku": ["Enter a SKU"] });
    expect(form.get("title")).toEqual(["Titles start with a letter"]);
    expect(form.formError.value).toBeNull();
  });

  it("names, as the form's message, what no shown field carries", () => {
    const form = usePathErrors(() => ["title"]);
    form.validate(schema, { title: "T", variants: [{ sku: "" }] });
    expect(form.formError.value).toBe("Enter a SKU");
  });

  it("places the server's nested errors on the same paths", async () => {
    const form = usePathErrors(() => ["variants.0.sku", "variants.1.sku"]);
    form.fromError(await errorOf(testApi.variants.mutate({ variants: [{ sku: "A" }, { sku: "" }] })));
    expect(form.get("variants.1.sku")).toEqual(["Enter a SKU"]);
    expect(form.formError.value).toBeNull();
  });

  it("falls back to the error's message when nothing is keyed", async () => {
    const form = usePathErrors(() => []);
    form.fromError(await errorOf(testApi.fail.mutate({ kind: "CONFLICT", message: "That SKU is used by another product" })));
    expect(form.formError.value).toBe("That SKU is used by another product");
  });
});
