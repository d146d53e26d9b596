import { REVIEW_LIMITS, adminReviewHideInput, reviewReportInput } from "@marketplace/shared";
import { reasonDialog } from "../../ui/reason-dialog.ts";
import { showToast } from "../../ui/toast.ts";
import { useHideReview, type AdminReview } from "./use-admin-reviews.ts";
import { useReportReview } from "./use-reviews.ts";

/** An admin hides a review with a reason its author reads. */
export const HideReviewDialog = reasonDialog({
  name: "HideReviewDialog",
  schema: adminReviewHideInput,
  subjectId: (review: AdminReview) => review.id,
  title: () => "Hide this review?",
  description: "It leaves every list and no longer counts in the rating. Its author sees your reason; you can restore it later.",
  hint: `3 to ${REVIEW_LIMITS.reason} characters. Shown to the author and kept in the activity log.`,
  maxlength: REVIEW_LIMITS.reason,
  confirmLabel: () => "Hide review",
  useAction() {
    const hide = useHideReview();
    return {
      isPending: hide.isPending,
      async run(input, review) {
        await hide.mutateAsync(input);
        showToast(`The review by ${review.author.name} is hidden: it left the lists and the rating.`, "success");
      },
    };
  },
  formId: "hide-review-form",
  testIds: { form: "hide-review-form", confirm: "confirm-hide" },
});

/** "Report": a reader says what is wrong with a review (its id); the moderators read the reason. */
export const ReportReviewDialog = reasonDialog({
  name: "ReportReviewDialog",
  schema: reviewReportInput,
  subjectId: (reviewId: string) => reviewId,
  title: () => "Report this review",
  description: "Tell the marketplace's moderators what is wrong with it: spam, abuse, or not about the purchase.",
  hint: `3 to ${REVIEW_LIMITS.reason} characters.`,
  maxlength: REVIEW_LIMITS.reason,
  confirmLabel: () => "Report",
  useAction() {
    const report = useReportReview();
    return {
      isPending: report.isPending,
      async run(input) {
        await report.mutateAsync(input);
        showToast("Thank you: the marketplace's moderators will look at this review.", "success");
      },
    };
  },
  formId: "report-form",
  testIds: { form: "report-form", confirm: "confirm-report" },
});
