import { adminShopSuspendInput } from "@marketplace/shared";
import { readApiError } from "../../lib/trpc.ts";
import { reasonDialog } from "../../ui/reason-dialog.ts";
import { showToast } from "../../ui/toast.ts";
import { useApproveShop, useSuspendShop, type AdminShop } from "./use-admin-shops.ts";

/**
 * Suspends a shop with a reason (3 to 500 characters) that its owner reads on their dashboard.
 * For a shop that was open, the toast offers "Undo", which reopens it (logged as a reopening).
 */
export const SuspendShopDialog = reasonDialog({
  name: "SuspendShopDialog",
  schema: adminShopSuspendInput,
  subjectId: (shop: AdminShop) => shop.id,
  title: (shop) => `Suspend “${shop.name}”?`,
  description: "Its products leave the catalog and it cannot sell until you reopen it. The owner sees your reason.",
  hint: "3 to 500 characters. Kept in the activity log.",
  maxlength: 500,
  confirmLabel: (shop) => `Suspend “${shop.name}”`,
  useAction() {
    const suspend = useSuspendShop();
    const reopen = useApproveShop();
    return {
      isPending: suspend.isPending,
      async run(input, shop) {
        // Undo reopens: right for a shop that was open, not for one still waiting (it would approve it).
        const wasOpen = shop.status === "ACTIVE";
        await suspend.mutateAsync(input);
        const message = `“${shop.name}” is suspended: its products left the catalog.`;
        if (!wasOpen) return showToast(message, "success");
        showToast(message, "success", {
          label: "Undo",
          run: () =>
            void reopen.mutateAsync({ id: input.id }).then(
              () => showToast(`Undone: “${shop.name}” is open again.`, "success"),
              (err: unknown) => showToast(readApiError(err).message, "error"),
            ),
        });
      },
    };
  },
  formId: "suspend-form",
  testIds: { dialog: "suspend-dialog", reason: "suspend-reason", cancel: "suspend-cancel", confirm: "suspend-confirm" },
});
