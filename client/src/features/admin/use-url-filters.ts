import { computed, type ComputedRef } from "vue";
import { useRoute, useRouter } from "vue-router";

/** What each filter of a list accepts: free text (`q`, trimmed, at most 100 characters) or one of a set. */
export type FilterSpec = Record<string, "text" | readonly string[]>;

/** The filters a spec describes, each absent when unset. */
export type FiltersOf<S extends FilterSpec> = {
  [K in keyof S]?: S[K] extends readonly (infer V)[] ? V : string;
};

export type FilterPatch<S extends FilterSpec> = Partial<Record<keyof S, string | undefined>>;

/**
 * A list's filters kept in the URL (`?q=&status=`), so a filtered list can be reloaded, shared and
 * navigated back to. Unknown values are ignored rather than sent; `update` merges a patch and
 * replaces the history entry.
 */
export function useUrlFilters<S extends FilterSpec>(spec: S): { filters: ComputedRef<FiltersOf<S>>; update: (patch: FilterPatch<S>) => void } {
  const route = useRoute();
  const router = useRouter();
  const filters = computed(() => {
    const out: Record<string, string> = {};
    for (const [key, accepts] of Object.entries(spec)) {
      const raw = route.query[key];
      if (typeof raw !== "string") continue;
      const value = accepts === "text" ? raw.trim().slice(0, 100) : accepts.includes(raw) ? raw : "";
      if (value) out[key] = value;
    }
    return out as FiltersOf<S>;
  });
  function update(patch: FilterPatch<S>) {
    const next: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...filters.value, ...patch })) if (typeof v === "string" && v) next[k] = v;
    void router.replace({ query: next });
  }
  return { filters, update };
}
