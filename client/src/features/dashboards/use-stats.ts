import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/vue-query";
import type { RouterInputs, RouterOutputs } from "@marketplace/server/router";
import type { ServerEventName, ServerToClientEvents } from "@marketplace/shared";
import { onBeforeUnmount, onMounted, toValue, type MaybeRefOrGetter } from "vue";
import { onLiveEvent } from "../../lib/socket.ts";
import { trpc } from "../../lib/trpc.ts";

export type StatsInput = RouterInputs["admin"]["stats"];
export type AdminStats = RouterOutputs["admin"]["stats"];
export type SellerStats = RouterOutputs["seller"]["stats"];

/**
 * The dashboards' query keys, kept here rather than in lib/query-keys.ts so that nothing of the
 * dashboards reaches the home page's bundle. The live events refresh them (useLiveRefetch).
 */
export const statsKeys = {
  adminAll: ["stats", "admin"] as const,
  admin: (input: StatsInput) => ["stats", "admin", input] as const,
  sellerAll: ["stats", "seller"] as const,
  seller: (input: StatsInput) => ["stats", "seller", input] as const,
};

/** The platform's figures for a period (admins). The previous answer stays on screen while a new period loads. */
export function useAdminStats(input: MaybeRefOrGetter<StatsInput>) {
  return useQuery(() => ({
    queryKey: statsKeys.admin(toValue(input)),
    queryFn: () => trpc.admin.stats.query(toValue(input)),
    placeholderData: keepPreviousData,
  }));
}

/** The caller's shop's figures for a period. */
export function useSellerStats(input: MaybeRefOrGetter<StatsInput>) {
  return useQuery(() => ({
    queryKey: statsKeys.seller(toValue(input)),
    queryFn: () => trpc.seller.stats.query(toValue(input)),
    placeholderData: keepPreviousData,
  }));
}

/** At most one refetch per this many ms, however many events arrive. */
export const LIVE_THROTTLE_MS = 2_000;

/**
 * Live counters: while the page is open, the given socket events refetch the figures under
 * `key`, at most once per LIVE_THROTTLE_MS (the first event waits that long, so a burst of
 * payments is one refetch). `accept` filters events (e.g. which activity kinds move figures).
 */
export function useLiveRefetch<K extends ServerEventName>(key: readonly unknown[], events: readonly K[], accept: (name: K, payload: unknown) => boolean = () => true) {
  const client = useQueryClient();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stops: (() => void)[] = [];
  const schedule = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void client.invalidateQueries({ queryKey: key });
    }, LIVE_THROTTLE_MS);
  };
  onMounted(() => {
    for (const name of events) {
      const handler = ((payload: unknown) => {
        if (accept(name, payload)) schedule();
      }) as ServerToClientEvents[K];
      stops.push(onLiveEvent(name, handler));
    }
  });
  onBeforeUnmount(() => {
    for (const stop of stops) stop();
    if (timer) clearTimeout(timer);
  });
}
