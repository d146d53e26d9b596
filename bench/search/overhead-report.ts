import type { ResultsFile } from "../lib/results.ts";
import { fmt, mdTable } from "../lib/markdown.ts";

export type OverheadKind = "raw" | "transport" | "ours" | "base-transport" | "base-ours";

/** What an overhead run keeps: per server the medians over rounds, and the ratios of paired rounds. */
export interface OverheadSummary {
  products: number;
  connections: number;
  rounds: number;
  durationS: number;
  servers: { kind: OverheadKind; rps: number; cpuUs: number }[];
  /** Medians over rounds of one server's req/s over another's in the same round. */
  ratios: { oursToRaw: number; transportToRaw: number; oursToTransport: number };
  /** With `--base`: that commit's servers in the same rounds, and what changed since (paired rounds). */
  base?: {
    commit: string;
    oursToBase: number;
    transportToBase: number;
    baseOursToRaw: number;
    /** Median over rounds of ours' CPU per request minus the base's, µs (negative: cheaper now). */
    oursCpuChangeUs: number;
    transportCpuChangeUs: number;
  };
}

const TITLES: Record<OverheadKind, string> = {
  raw: "raw: plain Fastify + pg",
  transport: "raw + the marketplace's transport parts",
  ours: "ours: the marketplace (tRPC, the answer cache's hooks)",
  "base-transport": "raw + transport at the base commit",
  "base-ours": "ours at the base commit",
};

export function renderOverhead(r: ResultsFile<OverheadSummary>): string {
  const s = r.summary;
  const raw = s.servers.find((x) => x.kind === "raw")!;
  const intro =
    `One kept answer (\`catalog.search\` "wool", ${s.products.toLocaleString("en")} products), autocannon with ${s.connections} connections, ` +
    `${s.rounds} rounds of ${s.durationS} s per server, the order rotated each round; medians over rounds. ` +
    `CPU is the server process's own (user + system) per answered request.`;
  const table = mdTable(
    ["server", "req/s", "CPU per request (µs)", "CPU over raw (µs)"],
    s.servers.map((x) => [TITLES[x.kind], fmt(x.rps, 0), fmt(x.cpuUs, 1), x.kind === "raw" ? "" : signed(x.cpuUs - raw.cpuUs)]),
  );
  const ratios =
    `Ratios of req/s in the same round (medians): **ours/raw ${fmt(s.ratios.oursToRaw, 2)}**, ` +
    `raw + transport/raw ${fmt(s.ratios.transportToRaw, 2)}, ours/(raw + transport) ${fmt(s.ratios.oursToTransport, 2)}.`;
  const b = s.base;
  const change = b
    ? `Against the base commit \`${b.commit.slice(0, 10)}\` in the same rounds: ours ×${fmt(b.oursToBase, 2)} req/s and ${signed(b.oursCpuChangeUs)} µs of CPU ` +
      `per request, raw + transport ×${fmt(b.transportToBase, 2)} and ${signed(b.transportCpuChangeUs)} µs (medians of paired rounds); the base's ours/raw ${fmt(b.baseOursToRaw, 2)}.`
    : null;
  return [intro, table, ratios, ...(change ? [change] : [])].join("\n\n");
}

function signed(x: number): string {
  return `${x > 0 ? "+" : x < 0 ? "−" : ""}${fmt(Math.abs(x), 1)}`;
}
