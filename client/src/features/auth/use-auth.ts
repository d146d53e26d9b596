import { useMutation } from "@tanstack/vue-query";
import type { RouterInputs } from "@marketplace/server/router";
import { useRouter } from "vue-router";
import { forgetOtherUsersData, queryClient } from "../../lib/query.ts";
import { mutationKeys, queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

/** Signs in; the user becomes the `me` entry and the previous person's cached data is dropped. */
export function useSignIn() {
  return useMutation({
    mutationKey: mutationKeys.login,
    mutationFn: (input: RouterInputs["auth"]["login"]) => trpc.auth.login.mutate(input),
    onSuccess(user) {
      queryClient.setQueryData(queryKeys.me, user);
      forgetOtherUsersData();
    },
  });
}

/** Creates an account (which signs it in) and makes it the `me` entry. */
export function useSignUp() {
  return useMutation({
    mutationKey: mutationKeys.register,
    mutationFn: (input: RouterInputs["auth"]["register"]) => trpc.auth.register.mutate(input),
    onSuccess(user) {
      queryClient.setQueryData(queryKeys.me, user);
      forgetOtherUsersData();
    },
  });
}

/**
 * Signs out, goes home, then forgets every cached answer. Navigating first keeps a signed-in-only
 * page from reacting to `me` becoming null (it would send the person to the sign-in page).
 */
export function useSignOut() {
  const router = useRouter();
  return useMutation({
    mutationFn: () => trpc.auth.logout.mutate(),
    async onSuccess() {
      await router.push("/");
      queryClient.setQueryData(queryKeys.me, null);
      forgetOtherUsersData();
    },
  });
}
