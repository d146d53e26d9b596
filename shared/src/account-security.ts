import { z } from "zod";
import { text } from "./common.ts";
import { emailSchema, PASSWORD_MAX, passwordSchema } from "./auth.ts";

/** The token of a mailed link (`?token=…`): 43 base64url characters; checked for shape only. */
const linkToken = text().trim().min(1, "This link is incomplete").max(200, "This link is invalid");

export const requestPasswordResetInput = z.strictObject({ email: emailSchema });
export type RequestPasswordResetInput = z.infer<typeof requestPasswordResetInput>;

export const resetPasswordInput = z.strictObject({ token: linkToken, password: passwordSchema });
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

export const verifyEmailInput = z.strictObject({ token: linkToken });
export type VerifyEmailInput = z.infer<typeof verifyEmailInput>;

/** A code from the authenticator app: six digits (spaces the app shows between groups are dropped). */
export const totpCodeSchema = text()
  .transform((s) => s.replace(/\s/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code from your app"));

/** A recovery code as printed (`xxxx-xxxx-xxxx-xxxx`), read forgivingly by the server. */
export const recoveryCodeSchema = text().trim().min(1, "Enter a recovery code").max(40, "This is not a recovery code");

/** The second sign-in step: a code from the app, or one of the recovery codes. */
export const loginTwoFactorInput = z.union([
  z.strictObject({ code: totpCodeSchema }),
  z.strictObject({ recoveryCode: recoveryCodeSchema }),
]);
export type LoginTwoFactorInput = z.infer<typeof loginTwoFactorInput>;

export const twoFactorEnableInput = z.strictObject({ code: totpCodeSchema });
export type TwoFactorEnableInput = z.infer<typeof twoFactorEnableInput>;

/** Turning two-factor off needs the password and a code: the app's, or a recovery code when the phone is gone. */
export const twoFactorDisableInput = z.strictObject({
  password: text().min(1, "Enter your password").max(PASSWORD_MAX),
  code: text().trim().min(1, "Enter a code from your app or a recovery code").max(40, "This is not a code"),
});
export type TwoFactorDisableInput = z.infer<typeof twoFactorDisableInput>;

/** A new address for the account: proved by the current password, then by a link sent to it. */
export const changeEmailInput = z.strictObject({
  email: emailSchema,
  password: text().min(1, "Enter your password").max(PASSWORD_MAX),
});
export type ChangeEmailInput = z.infer<typeof changeEmailInput>;
