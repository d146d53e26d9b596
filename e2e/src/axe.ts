import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { ARTIFACTS } from "./browser.ts";

/**
 * axe-core's browser build, read once and evaluated in the page through the DevTools protocol:
 * the site's CSP (script-src 'self') rightly refuses an inline <script>, which
 * page.addScriptTag({content}) would add; an evaluation is not a page script and needs no exception.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/**
 * Runs axe on the page as it is (WCAG 2.1 A/AA and axe's best practices) and returns every
 * violation; the whole list is written to e2e/artifacts/axe-<name>.json for reading.
 */
export async function runAxe(page: Page, name: string): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }, resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200) })) }));
  });
  writeFileSync(`${ARTIFACTS}/axe-${name}.json`, JSON.stringify(violations, null, 2));
  return violations;
}

/** The violations that fail a journey: serious and critical ones, as "rule: selector" lines. */
export function serious(violations: AxeViolation[]): string[] {
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")} — ${v.help}`));
}

/** Fails on serious or critical violations, naming each rule and element. */
export async function expectAccessible(page: Page, name: string): Promise<AxeViolation[]> {
  const violations = await runAxe(page, name);
  const bad = serious(violations);
  if (bad.length) throw new Error(`axe found serious or critical violations on ${name}:\n${bad.join("\n")}`);
  return violations;
}
