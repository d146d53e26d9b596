import { parseArgs } from "node:util";

/**
 * The benchmarks' command-line options: each benchmark declares its options once (name, default,
 * what it means) and gets typed values back; `--help` prints them with their defaults and exits;
 * an unknown option or a malformed number stops the run (exit 2) before anything starts.
 */

interface Option<T> {
  kind: "number" | "string" | "list" | "flag";
  default: T;
  help: string;
}

/** A number, e.g. `--duration=10`. */
export const num = (fallback: number, help: string): Option<number> => ({ kind: "number", default: fallback, help });
/** A string, e.g. `--mode=fast`. */
export const str = (fallback: string, help: string): Option<string> => ({ kind: "string", default: fallback, help });
/** A comma-separated list, e.g. `--only=text,browse` (empty by default unless given). */
export const list = (fallback: string[], help: string): Option<string[]> => ({ kind: "list", default: fallback, help });
/** A switch, e.g. `--keep`; off unless given. */
export const flag = (help: string): Option<boolean> => ({ kind: "flag", default: false, help });

type Values<S extends Record<string, Option<unknown>>> = { [K in keyof S]: S[K]["default"] };

/** Options as the benchmark declared them, from `argv` (process.argv after the script by default). */
export function parseOptions<S extends Record<string, Option<unknown>>>(
  usage: { command: string; about: string; env?: Record<string, string> },
  spec: S,
  argv: string[] = process.argv.slice(2),
): Values<S> {
  const args = argv.filter((a) => a !== "--"); // `pnpm bench -- --x=1` passes the separator through
  if (args.includes("--help") || args.includes("-h")) {
    console.log(helpText(usage, spec));
    process.exit(0);
  }
  const { values } = parseOrExit(usage.command, {
    args,
    strict: true,
    allowPositionals: false,
    options: Object.fromEntries(Object.entries(spec).map(([name, o]) => [name, { type: o.kind === "flag" ? "boolean" : "string" }])) as Record<
      string,
      { type: "boolean" | "string" }
    >,
  });
  const out: Record<string, unknown> = {};
  const bad = (message: string): never => {
    console.error(`${message}\n(${usage.command} --help lists the options)`);
    process.exit(2);
  };
  for (const [name, o] of Object.entries(spec)) {
    const raw = values[name];
    if (raw === undefined) out[name] = o.default;
    else if (o.kind === "flag") out[name] = raw === true;
    else if (o.kind === "number") {
      const n = Number(raw);
      if (raw === "" || !Number.isFinite(n)) bad(`--${name} takes a number, not "${String(raw)}"`);
      out[name] = n;
    } else if (o.kind === "list") out[name] = String(raw).split(",").map((s) => s.trim()).filter(Boolean);
    else out[name] = String(raw);
  }
  return out as Values<S>;
}

/** node:util's parseArgs; an unknown option or a missing value ends the run with its message and a pointer to --help. */
function parseOrExit(command: string, config: Parameters<typeof parseArgs>[0]) {
  try {
    return parseArgs(config);
  } catch (err) {
    console.error(`${(err as Error).message}\n(${command} --help lists the options)`);
    process.exit(2);
  }
}

export function helpText(usage: { command: string; about: string; env?: Record<string, string> }, spec: Record<string, Option<unknown>>): string {
  const shown = (o: Option<unknown>) =>
    o.kind === "flag" ? "" : `=${o.kind === "list" ? (o.default as string[]).join(",") || "(all)" : String(o.default)}`;
  const lines = [`${usage.about}\n`, `Usage: ${usage.command} [options]\n`, "Options:"];
  const names = Object.entries(spec).map(([name, o]) => `  --${name}${shown(o)}`);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  Object.values(spec).forEach((o, i) => lines.push(`${names[i]!.padEnd(width)}${o.help}`));
  lines.push(`  --help${" ".repeat(Math.max(1, width - 8))}this text`);
  if (usage.env && Object.keys(usage.env).length) {
    lines.push("", "Environment:");
    const w = Math.max(...Object.keys(usage.env).map((k) => k.length)) + 4;
    for (const [k, v] of Object.entries(usage.env)) lines.push(`  ${k.padEnd(w - 2)}${v}`);
  }
  return lines.join("\n");
}

/** The PostgreSQL admin URL every benchmark uses to create and drop its own databases. */
export const pgAdminUrl = () => process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export const PG_ENV = {
  BENCH_PG_URL: "PostgreSQL admin connection (default postgresql://postgres@127.0.0.1:5432/postgres); the run creates its own database there and drops it at the end",
  BENCH_SERVER_NODE_ARGS: 'extra node flags for the server processes, e.g. "--cpu-prof --cpu-prof-dir=results/prof"',
};
