import { useMutation } from "@tanstack/vue-query";
import type { RouterInputs } from "@marketplace/server/router";
import { useRouter } from "vue-router";
import { forgetOtherUsersData, queryClient } from "../../lib/query.ts";
import { mutationKeys, queryKeys } from "../../lib/query-keys.ts";
import { trpc } from "../../lib/trpc.ts";

/**
 * Signs in; the user becomes the `me` entry and the previous person's cached data is dropped.
 * With two-factor on, the answer is `{twoFactorRequired: true}` and nobody is signed in yet: the
 * code page (`useSignInTwoFactor`) finishes.
 */
export function useSignIn() {
  return useMutation({
    mutationKey: mutationKeys.login,
    mutationFn: (input: RouterInputs["auth"]["login"]) => trpc.auth.login.mutate(input),
    onSuccess(answer) {
      if ("twoFactorRequired" in answer) return;
      queryClient.setQueryData(queryKeys.me, answer);
      forgetOtherUsersData();
    },
  });
}

/** The second sign-in step: a code from the app (or a recovery code) becomes the session. */
export function useSignInTwoFactor() {
  return useMutation({
    mutationKey: mutationKeys.login,
    mutationFn: (input: RouterInputs["auth"]["loginTwoFactor"]) => trpc.auth.loginTwoFactor.mutate(input),
    onSuccess(user) {
      queryClient.setQueryData(queryKeys.me, user);
      forgetOtherUsersData();
    },
  });
}

/** "Forgot password": the answer is the same whether or not the address has an account. */
export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (input: RouterInputs["auth"]["requestPasswordReset"]) => trpc.auth.requestPasswordReset.mutate(input),
  });
}

/** Sets a new password from a mailed link; every session ends, this browser's included. */
export function useResetPassword() {
  return useMutation({
    mutationFn: (input: RouterInputs["auth"]["resetPassword"]) => trpc.auth.resetPassword.mutate(input),
    onSuccess() {
      queryClient.setQueryData(queryKeys.me, null);
      forgetOtherUsersData();
    },
  });
}

/** Opens a verification link; the signed-in user (if it is theirs) shows as verified at once. */
export function useVerifyEmail() {
  return useMutation({
    mutationFn: (input: RouterInputs["auth"]["verifyEmail"]) => trpc.auth.verifyEmail.mutate(input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}

export function useResendVerification() {
  return useMutation({ mutationFn: () => trpc.auth.resendVerification.mutate() });
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
