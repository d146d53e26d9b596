/**
 * bench/README.md's result tables are what the committed results files give (no benchmark is
 * run): a hand-edited figure, or a results file added without regenerating, fails here.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { BENCHMARKS, resultsFiles } from "../lib/results.ts";
import { fillBlocks, staleBlocks } from "./readme.ts";
import { renderBlocks } from "./render.ts";

const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");

test("bench/README.md's tables equal what the committed results files give", () => {
  assert.deepEqual(staleBlocks(readme, renderBlocks()), [], "run: pnpm --filter @marketplace/bench report");
});

test("every benchmark has a committed results file behind its tables", () => {
  for (const name of BENCHMARKS) assert.ok(resultsFiles(name).length > 0, `no bench/results/${name}-*.json`);
});

test("a figure changed by hand in a generated table is found", () => {
  const blocks = renderBlocks();
  const firstNumber = /\| (\d+(?:\.\d+)?) \|/.exec(blocks.checkout);
  assert.ok(firstNumber, "the checkout table has a number");
  const at = readme.indexOf("<!-- results:checkout -->");
  const edited = readme.slice(0, at) + readme.slice(at).replace(firstNumber[0], `| ${firstNumber[1]}9 |`);
  assert.notEqual(edited, readme);
  assert.deepEqual(staleBlocks(edited, blocks), ["checkout"]);
});

test("a newer results file makes the README stale until it is regenerated", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-results-"));
  const latest = resultsFiles("search").at(-1)!;
  const copy = JSON.parse(readFileSync(latest, "utf8")) as { date: string; commit: string };
  copy.date = "2999-01-01T00:00:00.000Z";
  copy.commit = "f".repeat(40);
  writeFileSync(path.join(dir, "search-2999-01-01T00-00-00-000Z.json"), JSON.stringify(copy));
  const blocks = renderBlocks(dir);
  assert.ok(staleBlocks(readme, blocks).includes("search"));
  const regenerated = fillBlocks(readme, blocks);
  assert.deepEqual(staleBlocks(regenerated, blocks), []);
});

test("missing markers are an error, not a silent skip", () => {
  assert.throws(() => fillBlocks("# no markers here\n", { search: "x" }), /lacks the markers/);
});
