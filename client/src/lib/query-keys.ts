import type { RouterInputs } from "@marketplace/server/router";

type AdminUsersFilters = Omit<RouterInputs["admin"]["users"]["list"], "cursor" | "limit">;

/**
 * Every vue-query key in one place, shaped as prefixes so one call can invalidate a whole area
 * (e.g. `queryKeys.admin.users.all` after a ban).
 */
export const queryKeys = {
  me: ["auth", "me"] as const,
  account: {
    sessions: ["account", "sessions"] as const,
  },
  admin: {
    users: {
      all: ["admin", "users"] as const,
      list: (filters: AdminUsersFilters) => ["admin", "users", "list", filters] as const,
    },
  },
  catalog: {
    newest: (limit: number) => ["catalog", "newest", { limit }] as const,
  },
};

/** Keys of mutations that global handlers tell apart (see `onSessionLost` in query.ts). */
export const mutationKeys = {
  login: ["auth", "login"] as const,
  register: ["auth", "register"] as const,
};
