/**
 * The Grafana dashboard (docker/grafana/marketplace-dashboard.json) against the metrics the server
 * really exposes: every metric a query reads and every label it filters or groups by must exist
 * in the server's registry (server/src/metrics/metrics.ts, with prom-client's process metrics),
 * so a renamed metric breaks this test instead of leaving an empty panel. And every marketplace
 * metric has a panel.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../server/src/metrics/metrics.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

interface Target {
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; datasource: { uid: string }; query: { query: string } }[] };
}

const dashboard = JSON.parse(readFileSync(path.join(here, "grafana/marketplace-dashboard.json"), "utf8")) as Dashboard;

/** Exposed series names (a histogram's _bucket, _sum and _count) → the labels they carry. */
async function exposedSeries(): Promise<Map<string, Set<string>>> {
  const metrics = createMetrics();
  metrics.collectProcessMetrics();
  const series = new Map<string, Set<string>>();
  for (const { name, type } of await metrics.registry.getMetricsAsJSON()) {
    const labels = new Set((metrics.registry.getSingleMetric(name) as unknown as { labelNames: string[] }).labelNames);
    // Prometheus adds these to every series it scrapes.
    labels.add("instance").add("job");
    // prom-client types `type` as an enum, but its JSON carries the exposition name.
    if (String(type) === "histogram") {
      series.set(`${name}_bucket`, new Set([...labels, "le"]));
      series.set(`${name}_sum`, labels).set(`${name}_count`, labels);
    } else {
      series.set(name, labels);
    }
  }
  return series;
}

/** PromQL's words that are neither metrics nor functions. */
const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan"]);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels, strings or variables. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/\$\{?\w+\}?/g, "");
  const words = [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)];
  // A word followed by "(" is a function or an aggregation.
  return [...new Set(words.filter((m) => !m[2] && !KEYWORDS.has(m[1]!.toLowerCase())).map((m) => m[1]!))];
}

/** The label names an expression matches on (`{route="…"}`) or groups by (`by (le, route)`). */
function labelNames(expr: string): string[] {
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const matched = [...noStrings.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!));
  const grouped = [...noStrings.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(",").map((l) => l.trim()).filter(Boolean));
  return [...matched, ...grouped];
}

const queries = (): { where: string; expr: string }[] => [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
  ...dashboard.templating.list.map((v) => ({ where: `variable $${v.name}`, expr: v.query.query.replace(/^label_values\((\w+),\s*(\w+)\)$/, "$1{$2=\"\"}") })),
];

describe("the Grafana dashboard", () => {
  it("reads PromQL's metric names from expressions", () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{instance=~"$instance"}[$__rate_interval])))')).toEqual(["a_bucket"]);
    expect(metricNames("sum(rate(x_total[5m])) / sum(rate(y_total[5m]))")).toEqual(["x_total", "y_total"]);
    expect(metricNames('topk(10, sum by (procedure, code) (increase(z_total{code!="OK"}[$__range])))')).toEqual(["z_total"]);
    expect(labelNames('sum by (le, route) (rate(a_bucket{instance=~"$instance", route="/x"}[1m]))').sort()).toEqual(["instance", "le", "route", "route"]);
  });

  it("is a Grafana dashboard whose panels take their Prometheus from an input", () => {
    expect(dashboard.uid).toBe("bazaar-marketplace");
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" })]);
    const panels = dashboard.panels.filter((p) => p.type !== "row");
    expect(panels.length).toBeGreaterThan(10);
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.datasource?.uid, p.title).toBe("${DS_PROMETHEUS}");
    }
    for (const v of dashboard.templating.list) expect(v.datasource.uid, v.name).toBe("${DS_PROMETHEUS}");
  });

  it("queries only metrics and labels the server exposes", async () => {
    const series = await exposedSeries();
    for (const { where, expr } of queries()) {
      const names = metricNames(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(series.has(name), `${where} reads ${name}, which the server does not expose`).toBe(true);
      const known = new Set(names.flatMap((n) => [...series.get(n)!]));
      for (const label of labelNames(expr)) expect(known.has(label), `${where} uses label ${label}, which ${names.join(", ")} lack`).toBe(true);
    }
  });

  it("shows every marketplace metric", async () => {
    const used = new Set(queries().flatMap(({ expr }) => metricNames(expr)));
    const base = (series: string) => series.replace(/_(bucket|sum|count)$/, "");
    const usedBases = new Set([...used].map(base));
    const ours = [...(await exposedSeries()).keys()].filter((n) => n.startsWith("marketplace_")).map(base);
    for (const name of new Set(ours)) expect(usedBases.has(name), `no panel shows ${name}`).toBe(true);
  });
});
