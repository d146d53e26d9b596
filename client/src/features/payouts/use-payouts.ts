import { useMutation, useQuery } from "@tanstack/vue-query";
import type { RouterOutputs } from "@marketplace/server/router";
import { queryClient } from "../../lib/query.ts";
import { trpc } from "../../lib/trpc.ts";

export type PayoutAccount = RouterOutputs["payout"]["account"];
export type PayoutSummary = RouterOutputs["payout"]["summary"];
export type PayoutTransfer = RouterOutputs["payout"]["transfers"]["items"][number];
export type PayoutOverview = RouterOutputs["admin"]["payouts"]["overview"];

/** The payouts pages' query keys (kept here: nothing of payouts reaches other bundles). */
export const payoutKeys = {
  all: ["payouts"] as const,
  account: ["payouts", "account"] as const,
  summary: ["payouts", "summary"] as const,
  transfers: ["payouts", "transfers"] as const,
  overview: ["payouts", "admin"] as const,
};

export function usePayoutAccount() {
  return useQuery({ queryKey: payoutKeys.account, queryFn: () => trpc.payout.account.query() });
}

export function usePayoutSummary() {
  return useQuery({ queryKey: payoutKeys.summary, queryFn: () => trpc.payout.summary.query() });
}

/** The shop's latest transfers (the newest 50; older ones are in the monthly statements). */
export function usePayoutTransfers() {
  return useQuery({ queryKey: payoutKeys.transfers, queryFn: () => trpc.payout.transfers.query({ limit: 50 }) });
}

/** Starts (or resumes) onboarding: the browser goes to the provider's link (the test provider's leads straight back). */
export function useConnectPayouts() {
  return useMutation({
    mutationFn: () => trpc.payout.connect.mutate(),
    onSuccess({ url }) {
      window.location.assign(url);
    },
  });
}

/** Back from onboarding: the account is read again from the provider. */
export function useRefreshPayoutAccount() {
  return useMutation({
    mutationFn: () => trpc.payout.refresh.mutate(),
    onSuccess(account) {
      queryClient.setQueryData(payoutKeys.account, account);
      void queryClient.invalidateQueries({ queryKey: payoutKeys.all });
    },
  });
}

/** Downloads the month's statement (CSV) as a file. */
export async function downloadStatement(month: string): Promise<void> {
  const { filename, csv } = await trpc.payout.statement.query({ month });
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

export function usePayoutOverview() {
  return useQuery({ queryKey: payoutKeys.overview, queryFn: () => trpc.admin.payouts.overview.query() });
}

export function useRetryTransfer() {
  return useMutation({
    mutationFn: (id: string) => trpc.admin.payouts.retry.mutate({ id }),
    onSettled() {
      void queryClient.invalidateQueries({ queryKey: payoutKeys.overview });
    },
  });
}

/** Stripe's requirement names (`individual.verification.document`) as a seller reads them. */
export function describeRequirement(name: string): string {
  const known: Record<string, string> = {
    external_account: "A bank account to pay out to",
    "business_profile.url": "Your shop's website or profile link",
    "business_profile.mcc": "What your business sells",
    "individual.verification.document": "A photo of your identity document",
    "individual.id_number": "Your tax or ID number",
    "tos_acceptance.date": "Accepting Stripe's terms",
  };
  return known[name] ?? name.replace(/[._]/g, " ");
}
