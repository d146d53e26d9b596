// page.evaluate below runs in the browser and reads its performance timeline.
/// <reference lib="dom" />
/**
 * Server-rendering benchmark (issue 16, "Performance").
 *
 *   1. A database of its own with the demo data (the server's own seed: 156 products, 7 shops).
 *   2. Two servers in child processes on it: "ssr" serves the client with its server build
 *      (client/dist + client/dist-ssr); "csr" serves a copy of client/dist alone, so the same
 *      server sends the client-rendered shell for every page, as before server rendering.
 *   3. Load (autocannon, `--connections`): the ssr server's product page (`Accept: text/html`),
 *      reused from its cache of rendered pages (SSR_PAGE_CACHE_MS: the catalog does not change
 *      during the run), the same page from a third server that renders every request
 *      (SSR_PAGE_CACHE_MS=0), and the same page's data as the JSON procedure (`catalog.product`),
 *      one after the other, the order turning each round, `--rounds` rounds: throughput and p95.
 *   4. Chromium (playwright-core, /usr/bin/chromium): the product page and a search page, loaded
 *      `--loads` times each from each server in a fresh context (cold cache but for the hashed
 *      assets' HTTP cache, none: every load is a new context): time to first byte and Largest
 *      Contentful Paint, medians.
 *   5. Writes bench/results/ssr-<time>.json (bench/README.md's tables: `pnpm --filter @marketplace/bench report`),
 *      stops the servers, drops the database.
 *
 * Needs the client built (`pnpm --filter @marketplace/client build`).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { chromium, type Browser } from "playwright-core";
import { num, parseOptions, PG_ENV, pgAdminUrl } from "../lib/args.ts";
import { createMigratedDatabase } from "../lib/databases.ts";
import { BenchRun } from "../lib/lifecycle.ts";
import { fmt } from "../lib/markdown.ts";
import { ServerProcess } from "../lib/processes.ts";
import { ResultsRecorder } from "../lib/results.ts";
import { median, percentile, sortedCopy } from "../lib/stats.ts";
import type { SsrSummary } from "./report.ts";
import { seedDemo } from "../../server/src/db/seed/index.ts";

const opts = parseOptions(
  {
    command: "pnpm --filter @marketplace/bench ssr",
    about: "A server-rendered product page against its JSON procedure; TTFB and LCP in Chromium, server- vs client-rendered.",
    env: { ...PG_ENV, CHROMIUM_PATH: "Chromium to drive (default /usr/bin/chromium)" },
  },
  {
    connections: num(50, "autocannon connections"),
    duration: num(8, "seconds per target per round"),
    rounds: num(3, "rounds (page and JSON back to back, alternating which goes first)"),
    loads: num(7, "page loads per page per server in Chromium"),
    deadline: num(590, "seconds: hard stop"),
  },
);
const pgUrl = pgAdminUrl();
const dbName = "mk_bench_ssr";
const bench = new BenchRun("ssr", pgUrl, opts.deadline);
const log = bench.log;
const clientDist = fileURLToPath(new URL("../../client/dist", import.meta.url));
const recorder = new ResultsRecorder("ssr");

interface Load {
  rps: number;
  p50: number;
  p95: number;
  non2xx: number;
  errors: number;
}

async function saturate(url: string, headers: Record<string, string>): Promise<Load> {
  const latencies: number[] = [];
  const instance = autocannon({ url, connections: opts.connections, duration: opts.duration, timeout: 30, headers });
  instance.on("response", (_c: unknown, status: number, _b: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  const sorted = sortedCopy(latencies);
  return { rps: latencies.length / result.duration, p50: percentile(sorted, 50), p95: percentile(sorted, 95), non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

/** TTFB (responseStart) and LCP of one load of `url` in a fresh context. */
async function paint(browser: Browser, url: string, ready: string): Promise<{ ttfb: number; lcp: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator(ready).first().waitFor();
  // LCP settles once the largest element has painted; a short wait lets a late image count.
  await page.waitForTimeout(300);
  const m = await page.evaluate(
    () =>
      new Promise<{ ttfb: number; lcp: number }>((resolve) => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve({ ttfb: nav.responseStart, lcp: entries[entries.length - 1]!.startTime });
        }).observe({ type: "largest-contentful-paint", buffered: true });
      }),
  );
  await context.close();
  return m;
}

async function main() {
  if (!existsSync(path.join(clientDist, "index.html")) || !existsSync(`${clientDist}-ssr/entry-server.js`)) throw new Error("build the client first: pnpm --filter @marketplace/client build");
  await recorder.readPostgresVersion(pgUrl);
  log(recorder.describeMachine());
  bench.ownDatabase(dbName);
  const { url, database } = await createMigratedDatabase(pgUrl, dbName, 4);
  log(await seedDemo(database.prisma));
  const product = await database.prisma.product.findFirstOrThrow({ where: { status: "ACTIVE", shop: { status: "ACTIVE" } }, orderBy: { ratingCount: "desc" }, select: { id: true } });
  await database.close();

  // The client-rendered server: the same client build without its server build beside it.
  const csrRoot = mkdtempSync(path.join(os.tmpdir(), "mk-bench-csr-"));
  cpSync(clientDist, path.join(csrRoot, "dist"), { recursive: true });
  bench.onCleanup(() => rmSync(csrRoot, { recursive: true, force: true }));
  const start = (name: string, dist: string, env: Record<string, string> = {}) =>
    ServerProcess.start({ name, script: new URL("./server-ours.ts", import.meta.url), env: { DATABASE_URL: url, BENCH_CLIENT_DIST: dist, ...env }, readyTimeoutMs: 240_000 });
  const [ssr, uncached, csr] = await Promise.all([
    start("ssr", clientDist),
    start("ssr-uncached", clientDist, { BENCH_SSR_PAGE_CACHE_MS: "0" }),
    start("csr", path.join(csrRoot, "dist")),
  ]);

  const pageUrl = `${ssr.url}/products/${product.id}`;
  const jsonUrl = `${ssr.url}/trpc/catalog.product?input=${encodeURIComponent(JSON.stringify({ json: { id: product.id } }))}`;
  const html = await (await fetch(pageUrl, { headers: { accept: "text/html" } })).text();
  if (!html.includes('id="ssr-state"')) throw new Error("the ssr server did not render the product page");
  const csrHtml = await (await fetch(`${csr.url}/products/${product.id}`, { headers: { accept: "text/html" } })).text();
  if (csrHtml.includes('id="ssr-state"')) throw new Error("the csr server rendered the page");
  log(`product page ${html.length} bytes server-rendered, ${csrHtml.length} bytes as the shell`);

  const htmlHeaders = { accept: "text/html", "accept-encoding": "br" };
  const targets = {
    page: { url: pageUrl, headers: htmlHeaders },
    rendered: { url: `${uncached.url}/products/${product.id}`, headers: htmlHeaders },
    json: { url: jsonUrl, headers: { "accept-encoding": "br" } },
  };
  const kinds = ["page", "rendered", "json"] as const;
  for (const k of kinds) await saturate(targets[k].url, targets[k].headers);
  const rounds: { round: number; page: Load; rendered: Load; json: Load }[] = [];
  for (let round = 1; round <= opts.rounds; round++) {
    const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!);
    const r: Partial<Record<(typeof kinds)[number], Load>> = {};
    for (const k of order) r[k] = await saturate(targets[k].url, targets[k].headers);
    rounds.push({ round, page: r.page!, rendered: r.rendered!, json: r.json! });
    log(
      `round ${round}: page (reused) ${fmt(r.page!.rps, 0)} req/s p95 ${fmt(r.page!.p95)} ms · page (rendered) ${fmt(r.rendered!.rps, 0)} req/s p95 ${fmt(r.rendered!.p95)} ms · ` +
        `json ${fmt(r.json!.rps, 0)} req/s p95 ${fmt(r.json!.p95)} ms`,
    );
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  bench.onCleanup(() => browser.close());
  const pages = [
    { name: "product", path: `/products/${product.id}`, ready: '[data-testid="product-title"]' },
    { name: "search", path: "/search?q=mug", ready: '[data-testid="product-card"]' },
  ];
  const paints: { page: string; server: string; ttfb: number; lcp: number }[] = [];
  for (let i = 0; i < opts.loads; i++) {
    for (const p of pages) {
      for (const [name, server] of i % 2 ? ([["csr", csr], ["ssr", ssr]] as const) : ([["ssr", ssr], ["csr", csr]] as const)) {
        paints.push({ page: p.name, server: name, ...(await paint(browser, `${server.url}${p.path}`, p.ready)) });
      }
    }
  }
  const paintSummary = pages.map((p) => {
    const of = (server: string) => paints.filter((x) => x.page === p.name && x.server === server);
    return {
      page: p.name,
      ssr: { ttfb: median(of("ssr").map((x) => x.ttfb)), lcp: median(of("ssr").map((x) => x.lcp)) },
      csr: { ttfb: median(of("csr").map((x) => x.ttfb)), lcp: median(of("csr").map((x) => x.lcp)) },
    };
  });
  for (const s of paintSummary) log(`${s.page}: TTFB ssr ${fmt(s.ssr.ttfb)} ms / csr ${fmt(s.csr.ttfb)} ms · LCP ssr ${fmt(s.ssr.lcp)} ms / csr ${fmt(s.csr.lcp)} ms`);

  const ratios = rounds.map((r) => r.page.rps / r.json.rps);
  const renderedRatios = rounds.map((r) => r.rendered.rps / r.json.rps);
  const summary: SsrSummary = {
    connections: opts.connections,
    durationS: opts.duration,
    rounds: opts.rounds,
    loads: opts.loads,
    htmlBytes: html.length,
    shellBytes: csrHtml.length,
    load: {
      pageRps: median(rounds.map((r) => r.page.rps)),
      jsonRps: median(rounds.map((r) => r.json.rps)),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      renderedRps: median(rounds.map((r) => r.rendered.rps)),
      renderedRatio: median(renderedRatios),
      renderedRatioRange: [Math.min(...renderedRatios), Math.max(...renderedRatios)],
      renderedP50: median(rounds.map((r) => r.rendered.p50)),
      renderedP95: median(rounds.map((r) => r.rendered.p95)),
      pageP50: median(rounds.map((r) => r.page.p50)),
      pageP95: median(rounds.map((r) => r.page.p95)),
      jsonP50: median(rounds.map((r) => r.json.p50)),
      jsonP95: median(rounds.map((r) => r.json.p95)),
      errors: rounds.reduce((n, r) => n + [r.page, r.rendered, r.json].reduce((m, l) => m + l.errors + l.non2xx, 0), 0),
    },
    paint: paintSummary,
  };
  log(`page/json throughput ${fmt(summary.load.ratio, 2)}, p95 page ${fmt(summary.load.pageP95)} ms, json ${fmt(summary.load.jsonP95)} ms`);
  log(`results in ${recorder.write({ ...opts }, summary, { rounds, paints })}`);
}

bench.run(main);
