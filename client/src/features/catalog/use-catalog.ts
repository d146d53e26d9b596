import { useQuery } from "@tanstack/vue-query";
import type { RouterOutputs } from "@marketplace/server/router";
import { queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

export type ProductCardData = RouterOutputs["catalog"]["newest"][number];

/** The newest visible products (home page). */
export function useNewestProducts(limit = 24) {
  return useQuery({
    queryKey: queryKeys.catalog.newest(limit),
    queryFn: () => trpc.catalog.newest.query({ limit }),
  });
}
