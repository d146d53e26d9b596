import { ensureTemplate } from "../pglite-template.ts";

/**
 * `pnpm db:template` (run by `pnpm install`): makes the migrated template new embedded databases
 * start from (pglite-template.ts). Never fails the install: without a template a first start only
 * takes longer.
 */
const startedAt = performance.now();
ensureTemplate().then(
  (file) => console.log(`[db:template] ${file} (${Math.round(performance.now() - startedAt)} ms)`),
  (err: unknown) => console.warn(`[db:template] skipped: ${(err as Error).message}`),
);
