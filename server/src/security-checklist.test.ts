import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * SECURITY.md at the repository root is the project's threat checklist. Each item it claims must
 * be proved by a test whose title says `SECURITY n`, in the test files the item names; the items
 * it plans (not built yet) may have none. Titles are read from the sources, so the check costs no
 * test run and sees every package's tests, the browser journeys' included.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const TEST_DIRS = ["server/src", "shared/src", "client/src", "e2e/src"];
const TEST_FILE = /\.(test|e2e)\.ts$/;

interface Item {
  n: number;
  planned: boolean;
  text: string;
}

/** The numbered items of SECURITY.md; those under the "Planned" heading are planned. */
function readChecklist(): Item[] {
  const items: Item[] = [];
  let planned = false;
  for (const line of readFileSync(path.join(root, "SECURITY.md"), "utf8").split("\n")) {
    if (line.startsWith("## ")) planned = /^## Planned/.test(line);
    const start = /^(\d+)\.\s/.exec(line);
    if (start) items.push({ n: Number(start[1]), planned, text: line });
    else if (line.startsWith(" ") && items.length) items.at(-1)!.text += `\n${line}`;
  }
  return items;
}

// The first argument of describe/it/test, describe.each(rows)(…), it.skipIf(cond)(…) and of
// helpers named describe… (describeEachLimiterStore): a quoted string on one line.
const TITLE = /\b(?:describe\w*|it|test)(?:\.\w+)*(?:\((?:[^()]|\([^()]*\))*\))?\s*\(\s*(["'`])((?:\\.|(?!\1)[^\\\n])*)\1/g;

/** The item numbers a test file's titles claim. */
function claimedIn(source: string): Set<number> {
  const numbers = new Set<number>();
  for (const [, , title] of source.matchAll(TITLE)) for (const [, n] of title!.matchAll(/SECURITY (\d+)\b/g)) numbers.add(Number(n));
  return numbers;
}

function testFiles(): string[] {
  return TEST_DIRS.filter((dir) => existsSync(path.join(root, dir))).flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => TEST_FILE.test(f) && !f.includes("node_modules"))
      .map((f) => path.join(dir, f).split(path.sep).join("/")),
  );
}

const items = readChecklist();
const claims = new Map(testFiles().map((file) => [file, claimedIn(readFileSync(path.join(root, file), "utf8"))]));

describe("SECURITY.md, the threat checklist", () => {
  it("numbers its items 1, 2, 3 … with none missing or twice, and plans none now", () => {
    expect(items.map((i) => i.n)).toEqual(items.map((_, k) => k + 1));
    expect(items.filter((i) => i.planned).map((i) => i.n)).toEqual([]);
  });

  it("names for every claimed item test files that exist and hold a test titled SECURITY n", () => {
    const problems: string[] = [];
    for (const item of items.filter((i) => !i.planned)) {
      const files = [...item.text.matchAll(/`([^`]+\.(?:test|e2e)\.ts)`/g)].map((m) => m[1]!);
      if (!files.length) problems.push(`${item.n}: names no test file`);
      for (const file of files) {
        if (!existsSync(path.join(root, file))) problems.push(`${item.n}: ${file} does not exist`);
        else if (!claims.get(file)?.has(item.n)) problems.push(`${item.n}: ${file} has no test titled "SECURITY ${item.n}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("has a claimed item for every SECURITY n a test title names (a planned one has no test yet)", () => {
    const claimed = new Set(items.filter((i) => !i.planned).map((i) => i.n));
    const stray = [...claims].flatMap(([file, numbers]) => [...numbers].filter((n) => !claimed.has(n)).map((n) => `${file}: SECURITY ${n}`));
    expect(stray).toEqual([]);
  });

  it("reads titles the way the test files write them", () => {
    const source = [
      `describe("SECURITY 1: plain", () => {});`,
      `describe.skipIf(!usingPostgres)("SECURITY 2: skipped elsewhere", () => {});`,
      `describe.each(stores())("SECURITY 3: per store (%s)", (name) => {});`,
      `describeEachLimiterStore("SECURITY 4: a helper", () => {});`,
      `it.each(cases)('SECURITY 5: $name', async () => {});`,
      `it(\`SECURITY 6: a template \${x ? "a" : "b"}\`, async () => {});`,
      `// a comment on SECURITY 7 is not a title`,
      `const s = "SECURITY 8 in a string";`,
      `it("names SECURITY 9 and SECURITY 10", () => {});`,
    ].join("\n");
    expect([...claimedIn(source)]).toEqual([1, 2, 3, 4, 5, 6, 9, 10]);
  });
});
