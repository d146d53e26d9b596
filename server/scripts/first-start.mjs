#!/usr/bin/env node
/**
 * Times the README's first start: the root `pnpm start` on an empty data folder, until `/readyz`
 * answers 200 and `/` serves the storefront. Each run gets a new DATA_DIR and a free port; with
 * `--fresh-client` the client's build is removed first, so the run includes the client build, as a
 * first start after `pnpm install` does. Prints each run's figures, the server's own phases
 * (its "listening" line: modules, open database, migrations, demo seed, server, listen), the
 * client build's time, the CPU time each process used (which another process's load hardly
 * moves, unlike the wall time), the machine's load average, and the medians.
 *
 *   node server/scripts/first-start.mjs [--runs=3] [--fresh-client] [--command="npx -y pnpm@12.4.2 start"]
 *
 * It runs nothing else; run it on a machine as idle as you can get and say the load it printed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, "").split("=");
    return [k, v.length ? v.join("=") : "true"];
  }),
);
const runs = Number(args.runs ?? 3);
const freshClient = args["fresh-client"] === "true";
const command = args.command ?? "npx -y pnpm@12.4.2 start";
const TIMEOUT_MS = 120_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function answers(url, check) {
  try {
    const res = await fetch(url, { headers: { accept: "text/html" }, signal: AbortSignal.timeout(1_000) });
    return res.status === 200 && check(await res.text());
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function oneRun(n) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "first-start-"));
  if (freshClient) rmSync(path.join(root, "client", "dist"), { recursive: true, force: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const load = loadavg()[0];
  const started = performance.now();
  const child = spawn(command, {
    cwd: root,
    shell: true,
    detached: true,
    env: { ...process.env, DATA_DIR: path.join(dataDir, "data"), PORT: String(port), NODE_ENV: "development" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  let exited = false;
  child.on("exit", () => (exited = true));
  let ready, storefront;
  try {
    while (ready === undefined || storefront === undefined) {
      if (exited) throw new Error(`the start exited before it was ready:\n${output}`);
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`not ready after ${TIMEOUT_MS} ms:\n${output}`);
      const now = () => performance.now() - started;
      if (ready === undefined && (await answers(`${base}/readyz`, (t) => t.includes("ready")))) ready = now();
      if (storefront === undefined && (await answers(`${base}/`, (t) => t.includes('id="app"')))) storefront = now();
      await sleep(25);
    }
  } finally {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
    await new Promise((r) => (exited ? r() : child.once("exit", r)));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const server = /after the process started, \d+ ms of CPU \((.*)\)/.exec(output)?.[1] ?? "?";
  const serverCpu = Number(/(\d+) ms of CPU \(/.exec(output)?.[1] ?? NaN);
  const clientCpu = Number(/\[client\] built .* \((\d+) ms of CPU\)/.exec(output)?.[1] ?? 0);
  const serverTotal = Number(/(\d+) ms after the process started/.exec(output)?.[1] ?? NaN);
  const clientBuild = Number(/\[client\] built \S+ in (\d+) ms/.exec(output)?.[1] ?? 0);
  const run = { ready, storefront, both: Math.max(ready, storefront), serverTotal, serverCpu, clientBuild, clientCpu, load };
  console.log(
    `run ${n}: ready ${ms(ready)}, storefront ${ms(storefront)}; server ${ms(serverTotal)} from its process start, ` +
      `${ms(serverCpu)} of CPU (${server}); client build ${clientBuild ? `${ms(clientBuild)}, ${ms(clientCpu)} of CPU` : "skipped"}; ` +
      `load ${load.toFixed(2)}`,
  );
  return run;
}

const ms = (v) => `${(v / 1000).toFixed(2)} s`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

console.log(`${command} on an empty DATA_DIR, ${runs} runs${freshClient ? ", client build removed before each" : ""}`);
const results = [];
for (let i = 1; i <= runs; i++) results.push(await oneRun(i));
console.log(
  `median: ready and storefront ${ms(median(results.map((r) => r.both)))} ` +
    `(/readyz ${ms(median(results.map((r) => r.ready)))}, server ${ms(median(results.map((r) => r.serverTotal)))} ` +
    `and ${ms(median(results.map((r) => r.serverCpu)))} of CPU` +
    `${freshClient ? `, client build ${ms(median(results.map((r) => r.clientBuild)))} and ${ms(median(results.map((r) => r.clientCpu)))} of CPU` : ""}); ` +
    `load average ${results.map((r) => r.load.toFixed(2)).join(", ")} at the runs' starts`,
);
