import { reactive, ref } from "vue";
import type { z } from "zod";
import { useFormErrors } from "../../lib/forms.ts";

/**
 * What the AuthForm shell reads: each field's label (the fields it shows, in order), the messages
 * per field and for the form, whether a submit is under way, and the submit itself.
 */
export interface AuthFormState<F extends string = string> {
  readonly labels: Readonly<Record<F, string>>;
  readonly fieldErrors: Partial<Record<F, string[]>>;
  readonly formError: string | null;
  readonly pending: boolean;
  submit(): Promise<void>;
}

/**
 * The state of one account form (sign-in, sign-up, and any form built on the same shell): `values`
 * are checked with the shared `schema`, then `send` runs with the parsed input (the call and what
 * follows its success). A failure shows the server's field errors beside their fields and the rest
 * in the form's summary. `labels` names the fields once, for their inputs and for the summary.
 * A second submit while one is under way is ignored (Enter pressed twice sends once).
 */
export function useAuthForm<F extends string, S extends z.ZodType>(options: {
  labels: Record<F, string>;
  schema: S;
  values: unknown;
  send: (input: z.output<S>) => Promise<void>;
}): AuthFormState<F> {
  const { labels, schema, values, send } = options;
  const errors = useFormErrors(Object.keys(labels) as F[]);
  const pending = ref(false);

  async function submit(): Promise<void> {
    if (pending.value) return;
    pending.value = true;
    try {
      await errors.submit(schema, values, send);
    } finally {
      pending.value = false;
    }
  }

  return reactive({ labels, fieldErrors: errors.fieldErrors, formError: errors.formError, pending, submit }) as AuthFormState<F>;
}
