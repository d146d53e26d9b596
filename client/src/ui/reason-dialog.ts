import { defineComponent, h, type PropType, type Ref } from "vue";
import type { z } from "zod";
import UiReasonDialog from "./UiReasonDialog.vue";

/** What an action that needs a reason (suspend a shop, hide or report a review) is made of. */
export interface ReasonDialogConfig<T, S extends z.ZodType> {
  /** The component's name (devtools, warnings). */
  name: string;
  /** The action's shared input schema, checked before anything is sent. */
  schema: S;
  /** The id the action's input carries for its subject. */
  subjectId: (subject: T) => string;
  title: (subject: T) => string;
  description: string;
  hint: string;
  maxlength: number;
  confirmLabel: (subject: T) => string;
  /**
   * Called once in the dialog's setup (so it may use vue-query's composables): `run` sends the
   * checked input and says how it went (a toast); the dialog closes when it resolves and shows
   * its error when it throws.
   */
  useAction: () => { isPending: Ref<boolean>; run: (input: z.output<S>, subject: T) => Promise<void> };
  formId: string;
  testIds?: { dialog?: string; form?: string; reason?: string; cancel?: string; confirm?: string };
}

/**
 * A dialog component for one action that needs a reason, wired once here: open while its
 * `subject` prop is not null, the reason checked with the action's schema, the action run, then
 * `close` emitted. Used as `<SuspendShopDialog :subject="shop" @close="shop = null" />`.
 */
export function reasonDialog<T, S extends z.ZodType>(config: ReasonDialogConfig<T, S>) {
  return defineComponent({
    name: config.name,
    props: { subject: { type: null as unknown as PropType<T | null>, required: true } },
    emits: { close: () => true },
    setup(props, { emit }) {
      const action = config.useAction();
      async function send(input: z.output<S>) {
        if (props.subject === null) return;
        await action.run(input, props.subject);
        emit("close");
      }
      return () => {
        const subject = props.subject;
        return h(UiReasonDialog, {
          open: subject !== null,
          title: subject === null ? "" : config.title(subject),
          description: config.description,
          hint: config.hint,
          maxlength: config.maxlength,
          confirmLabel: subject === null ? "" : config.confirmLabel(subject),
          pending: action.isPending.value,
          schema: config.schema,
          input: (reason: string) => ({ id: subject === null ? undefined : config.subjectId(subject), reason }),
          // The schema and `send` agree on S; h() cannot carry the generic component's parameter.
          send: send as (input: unknown) => Promise<void>,
          formId: config.formId,
          testIds: config.testIds,
          onClose: () => emit("close"),
        });
      };
    },
  });
}
