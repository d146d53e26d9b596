import { confirmTestPaymentInput } from "@marketplace/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../../trpc/init.ts";
import { confirmTestPayment } from "./payments.service.ts";

export const paymentRouter = {
  confirmTest: authedProcedure.input(confirmTestPaymentInput).mutation(({ ctx, input }) => confirmTestPayment(ctx, input)),
} satisfies TRPCRouterRecord;
