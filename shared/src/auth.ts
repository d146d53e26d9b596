import { z } from "zod";
import { text } from "./common.ts";

/** Passwords: length is the only rule (ASVS 6.2); 128 caps the hashing work a request can cost. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export const emailSchema = text()
  .trim()
  .toLowerCase()
  .max(254, "An email address has at most 254 characters")
  .pipe(z.email("Enter a valid email address"));

export const passwordSchema = text()
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`);

export const displayNameSchema = text()
  .trim()
  .min(1, "Enter your name")
  .max(80, "A name has at most 80 characters");

export const registerInput = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: displayNameSchema,
});
export type RegisterInput = z.infer<typeof registerInput>;

/** Login checks only the shape: the policy applies when a password is chosen, not when it is used. */
export const loginInput = z.strictObject({
  email: emailSchema,
  password: text().min(1, "Enter your password").max(PASSWORD_MAX, "Wrong email or password"),
});
export type LoginInput = z.infer<typeof loginInput>;

export const updateProfileInput = z.strictObject({ name: displayNameSchema });
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

export const changePasswordInput = z.strictObject({
  currentPassword: text().min(1, "Enter your current password").max(PASSWORD_MAX),
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
