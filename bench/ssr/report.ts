import type { ResultsFile } from "../lib/results.ts";
import { fmt, mdTable, withRange } from "../lib/markdown.ts";

interface Paint {
  ttfb: number;
  lcp: number;
}

/** What a server-rendering run keeps as its summary, and its tables. */
export interface SsrSummary {
  connections: number;
  durationS: number;
  rounds: number;
  loads: number;
  htmlBytes: number;
  shellBytes: number;
  load: {
    pageRps: number;
    jsonRps: number;
    /** page (reused) / JSON req/s of the same round: median over rounds and range. */
    ratio: number;
    ratioRange: [number, number];
    /** The page rendered for every request (SSR_PAGE_CACHE_MS=0). */
    renderedRps: number;
    renderedRatio: number;
    renderedRatioRange: [number, number];
    renderedP50: number;
    renderedP95: number;
    pageP50: number;
    pageP95: number;
    jsonP50: number;
    jsonP95: number;
    errors: number;
  };
  paint: { page: string; ssr: Paint; csr: Paint }[];
}

const THROUGHPUT_AIM = 0.5;

export function renderSsr(r: ResultsFile<SsrSummary>): string {
  const s = r.summary;
  const l = s.load;
  return [
    `Load: autocannon, ${s.connections} connections, ${s.durationS} s per target per round, the three targets one after the other (the order turning each round), ${s.rounds} rounds; medians over rounds. ` +
      `The product page is ${Math.round(s.htmlBytes / 1024)} KiB of HTML server-rendered (${Math.round(s.shellBytes / 1024)} KiB as the client-rendered shell); both answers brotli-compressed.`,
    "",
    mdTable(
      ["target", "req/s", "p50 / p95 ms"],
      [
        ["product page, reused from the rendered-page cache (`SSR_PAGE_CACHE_MS`, default; the catalog does not change during the run)", fmt(l.pageRps, 0), `${fmt(l.pageP50)} / ${fmt(l.pageP95)}`],
        ["product page, rendered for every request (`SSR_PAGE_CACHE_MS=0`)", fmt(l.renderedRps, 0), `${fmt(l.renderedP50)} / ${fmt(l.renderedP95)}`],
        ["its data alone: `catalog.product` (JSON)", fmt(l.jsonRps, 0), `${fmt(l.jsonP50)} / ${fmt(l.jsonP95)}`],
      ],
    ),
    "",
    `Page / JSON throughput: **${withRange(l.ratio, l.ratioRange)}** reused, **${withRange(l.renderedRatio, l.renderedRatioRange)}** rendered every time (aim ≥ ${THROUGHPUT_AIM}); errors and non-2xx answers: ${l.errors}.`,
    "",
    `Chromium (playwright-core, headless, 1280×860, a fresh context per load: nothing cached), ${s.loads} loads per page per server, alternating which goes first; medians in ms. ` +
      "\"Server-rendered\" is the server with `client/dist-ssr`; \"client-rendered\" the same server and client build without it (the shell, then the data over tRPC).",
    "",
    mdTable(
      ["page", "TTFB server- / client-rendered", "LCP server- / client-rendered", "LCP client / server"],
      s.paint.map((p) => [p.page, `${fmt(p.ssr.ttfb)} / ${fmt(p.csr.ttfb)}`, `${fmt(p.ssr.lcp)} / ${fmt(p.csr.lcp)}`, fmt(p.csr.lcp / p.ssr.lcp, 2)]),
    ),
  ].join("\n");
}
