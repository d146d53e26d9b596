/**
 * # Transactional email (SECURITY 42)
 *
 * A service that wants an email sent writes it to the outbox **inside its own transaction**, next
 * to the change the email tells about; after the commit, the mail worker of any server process
 * sends it (mail-worker.ts). A rolled-back transaction leaves no row, so nothing is sent for a
 * change that did not happen; a committed one is sent once, retried with backoff while the SMTP
 * server fails, and marked dead after MAIL_MAX_ATTEMPTS tries (admins see dead messages).
 *
 * ## Adding an email to a feature
 * 1. Write its template in `templates/<feature>-mails.ts` (see order-mails.ts):
 *    ```ts
 *    export const accountMails = {
 *      verify_email: mailTemplate<{ name: string; link: string }>({
 *        subject: () => "Confirm your email",
 *        text: (d, ctx) => `Hello ${d.name},\n\nConfirm it here: ${ctx.url(d.link)}`,
 *        html: (d, ctx) => html`<p>Hello ${d.name},</p>${button(ctx.url(d.link), "Confirm")}`,
 *      }),
 *    };
 *    ```
 *    `html` escapes every value, so names are safe; `ctx.url(path)` makes an absolute link from
 *    PUBLIC_URL. Leave out `preference` for a security message (it always goes); give one
 *    (`{ key, label }`) for a message users may turn off on the account page.
 * 2. Spread the object into `mailTemplates` in `templates/index.ts`.
 * 3. Enqueue it in the transaction of the change:
 *    ```ts
 *    await inTransaction(ctx, async (tx) => {
 *      // … the change …
 *      await enqueueMail(tx, { userId: user.id, template: "verify_email", data: { name, link } });
 *    });
 *    ```
 *    `userId` alone sends to the user's current address; `to` sends elsewhere (e.g. the old
 *    address when an email changes). Data is checked against the template's type and stored as
 *    JSON: keep it to what the message shows.
 */
import type { Prisma } from "../../generated/prisma/client.ts";
import type { Tx } from "../../db/client.ts";
import { type MailData, type MailTemplateName, preferenceOf } from "./templates/index.ts";

export type MailRequest<K extends MailTemplateName> = {
  template: K;
  data: MailData<K>;
} & ({ userId: string; to?: string } | { userId?: undefined; to: string });

/**
 * Writes an email to the outbox in the caller's transaction. Returns the outbox row's id, or null
 * when nothing was queued: the user turned this kind of message off, or has no account any more.
 */
export async function enqueueMail<K extends MailTemplateName>(tx: Tx, request: MailRequest<K>): Promise<string | null> {
  let to = request.to;
  if (request.userId) {
    const preference = preferenceOf(request.template);
    const user = await tx.user.findUnique({
      where: { id: request.userId },
      select: { email: true, ...(preference ? { mailOptOuts: { where: { kind: preference }, select: { kind: true } } } : {}) },
    });
    if (!user) return null;
    if (preference && user.mailOptOuts?.length) return null;
    to ??= user.email;
  }
  const row = await tx.mailOutbox.create({
    data: { toAddress: to!, userId: request.userId ?? null, template: request.template, data: request.data as Prisma.InputJsonValue },
    select: { id: true },
  });
  return row.id;
}
