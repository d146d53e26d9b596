import { ref } from "vue";
import { z } from "zod";
import { formMessage, readApiError, type ApiError } from "./trpc.ts";

/**
 * Error state for one form: messages per field (from the shared zod schema before sending, or
 * from the server's fieldErrors after) and one form-level message for everything else.
 */
export function useFormErrors<F extends string>(fields: readonly F[]) {
  const fieldErrors = ref<Partial<Record<F, string[]>>>({});
  const formError = ref<string | null>(null);

  function clear() {
    fieldErrors.value = {};
    formError.value = null;
  }

  /** Checks values with a shared schema; on failure shows its messages and returns null. */
  function validate<S extends z.ZodType>(schema: S, values: unknown): z.output<S> | null {
    const parsed = schema.safeParse(values);
    if (parsed.success) return parsed.data;
    const flat = z.flattenError(parsed.error);
    fieldErrors.value = pick(flat.fieldErrors as Record<string, string[] | undefined>);
    formError.value = flat.formErrors.length ? flat.formErrors.join(" ") : null;
    return null;
  }

  /** Shows a failed call's errors; returns the ApiError for callers that branch on its code. */
  function fromError(err: unknown): ApiError {
    const api = readApiError(err);
    fieldErrors.value = pick(api.fieldErrors);
    formError.value = formMessage(api, fields);
    return api;
  }

  /**
   * A form's submit: clears the messages, checks `values` with the shared schema, then runs `send`
   * with the parsed input (the call and what follows its success). A failure anywhere in `send`
   * shows its errors; nothing is sent while the values are invalid.
   */
  async function submit<S extends z.ZodType>(schema: S, values: unknown, send: (input: z.output<S>) => Promise<void>): Promise<void> {
    clear();
    const input = validate(schema, values);
    if (input === null) return;
    try {
      await send(input);
    } catch (err) {
      fromError(err);
    }
  }

  function pick(source: Record<string, string[] | undefined>): Partial<Record<F, string[]>> {
    const out: Partial<Record<F, string[]>> = {};
    for (const f of fields) {
      const messages = source[f];
      if (messages?.length) out[f] = messages;
    }
    return out;
  }

  return { fieldErrors, formError, clear, validate, fromError, submit };
}

/** A zod error's messages keyed by the full path of each issue ("variants.0.sku"). */
export function issuesByPath(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/**
 * Error state for a form whose fields come and go (rows of variants, lists of images): messages
 * keyed by path (`variants.2.sku`), as the client's schema check and the server both name them.
 * `shown` lists the keys the form currently displays beside a field; anything else becomes the
 * form-level message, so no error is ever silently dropped.
 */
export function usePathErrors(shown: () => readonly string[]) {
  const errors = ref<Record<string, string[]>>({});
  const formError = ref<string | null>(null);

  function clear() {
    errors.value = {};
    formError.value = null;
  }

  function show(byPath: Record<string, string[]>, fallback: string | null = null) {
    errors.value = byPath;
    const keys = shown();
    const unshown = Object.keys(byPath).filter((k) => !keys.includes(k));
    formError.value = unshown.length ? unshown.flatMap((k) => byPath[k] ?? []).join(" ") : Object.keys(byPath).length ? null : fallback;
  }

  /** Checks values with a schema; on failure shows its messages (merged with `extra`) and returns null. */
  function validate<S extends z.ZodType>(schema: S, values: unknown, extra: Record<string, string[]> = {}): z.output<S> | null {
    const parsed = schema.safeParse(values);
    // The caller's own findings come first: they are the more specific ("Enter a price like 12.50").
    const byPath: Record<string, string[]> = { ...extra };
    for (const [k, v] of Object.entries(parsed.success ? {} : issuesByPath(parsed.error))) byPath[k] = [...(byPath[k] ?? []), ...v];
    if (parsed.success && !Object.keys(byPath).length) return parsed.data;
    show(byPath);
    return null;
  }

  /** Shows a failed call's errors (the server keys nested fields the same way). */
  function fromError(err: unknown): ApiError {
    const api = readApiError(err);
    const general = api.formErrors.join(" ") || null;
    show(api.fieldErrors, general ?? api.message);
    if (general && Object.keys(api.fieldErrors).length) formError.value = [general, formError.value].filter(Boolean).join(" ");
    return api;
  }

  /** The first message for a field: one clear sentence beside it, not every rule it broke. */
  const get = (key: string): string[] | undefined => errors.value[key]?.slice(0, 1);

  return { errors, formError, clear, validate, fromError, get };
}
