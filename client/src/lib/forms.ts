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

  function pick(source: Record<string, string[] | undefined>): Partial<Record<F, string[]>> {
    const out: Partial<Record<F, string[]>> = {};
    for (const f of fields) {
      const messages = source[f];
      if (messages?.length) out[f] = messages;
    }
    return out;
  }

  return { fieldErrors, formError, clear, validate, fromError };
}
