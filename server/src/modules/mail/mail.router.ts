import { mailByIdInput, mailListInput, mailPreferenceInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { adminProcedure, authedProcedure } from "../../trpc/init.ts";
import * as mail from "./mail.service.ts";

export const mailRouter = {
  preferences: authedProcedure.query(({ ctx }) => mail.listPreferences(ctx)),
  setPreference: authedProcedure.input(mailPreferenceInput).mutation(({ ctx, input }) => mail.setPreference(ctx, input)),
  mailbox: authedProcedure.input(mailListInput).query(({ ctx, input }) => mail.myMailbox(ctx, input)),
  dead: adminProcedure.input(mailListInput).query(({ ctx, input }) => mail.listDeadMail(ctx, input)),
  retry: adminProcedure.input(mailByIdInput).mutation(({ ctx, input }) => mail.retryDeadMail(ctx, input.id)),
} satisfies TRPCRouterRecord;
