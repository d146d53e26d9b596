import type { ResultsFile } from "../lib/results.ts";
import { fmt, mdTable } from "../lib/markdown.ts";

export type OverheadKind = "raw" | "transport" | "ours";

/** What an overhead run keeps: per server the medians over rounds, and the ratios of paired rounds. */
export interface OverheadSummary {
  products: number;
  connections: number;
  rounds: number;
  durationS: number;
  servers: { kind: OverheadKind; rps: number; cpuUs: number }[];
  /** Medians over rounds of one server's req/s over another's in the same round. */
  ratios: { oursToRaw: number; transportToRaw: number; oursToTransport: number };
}

const TITLES: Record<OverheadKind, string> = {
  raw: "raw: plain Fastify + pg",
  transport: "raw + the marketplace's transport parts",
  ours: "ours: the marketplace (tRPC, the answer cache's hooks)",
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
    s.servers.map((x) => [TITLES[x.kind], fmt(x.rps, 0), fmt(x.cpuUs, 1), x.kind === "raw" ? "" : `+${fmt(x.cpuUs - raw.cpuUs, 1)}`]),
  );
  const ratios =
    `Ratios of req/s in the same round (medians): **ours/raw ${fmt(s.ratios.oursToRaw, 2)}**, ` +
    `raw + transport/raw ${fmt(s.ratios.transportToRaw, 2)}, ours/(raw + transport) ${fmt(s.ratios.oursToTransport, 2)}.`;
  return [intro, table, ratios].join("\n\n");
}
