/**
 * Writes bench/README.md's result tables from the newest results file of each benchmark under
 * bench/results/ (`pnpm --filter @marketplace/bench report`); with `--check`, changes nothing and
 * exits 1 when the README differs from what the files give.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { flag, parseOptions } from "../lib/args.ts";
import { renderBlocks } from "./render.ts";
import { fillBlocks, staleBlocks } from "./readme.ts";

const opts = parseOptions(
  { command: "pnpm --filter @marketplace/bench report", about: "Generates bench/README.md's result tables from the results files under bench/results/." },
  { check: flag("change nothing; exit 1 when the README's tables differ from the results files") },
);
const readmePath = fileURLToPath(new URL("../README.md", import.meta.url));
const text = readFileSync(readmePath, "utf8");
const blocks = renderBlocks();
if (opts.check) {
  const stale = staleBlocks(text, blocks);
  if (stale.length) {
    console.error(`bench/README.md: the tables of ${stale.join(", ")} differ from bench/results/; run pnpm --filter @marketplace/bench report`);
    process.exit(1);
  }
  console.log("bench/README.md: the tables match the results files");
} else {
  writeFileSync(readmePath, fillBlocks(text, blocks));
  console.log(`bench/README.md: tables written for ${Object.keys(blocks).join(", ")}`);
}
