import assert from "node:assert/strict";
import { test } from "node:test";
import { isRunOutput } from "./results.ts";

test("a run's own outputs do not make the tree dirty; a change to what it measures does", () => {
  for (const line of [" M bench/search/explain.txt", " M bench/search/explain-1m.txt", "?? bench/results/search1m-2026-12-07T19-52-37-007Z.json"]) {
    assert.equal(isRunOutput(line), true, line);
  }
  for (const line of [" M bench/search/run.ts", " M server/src/http/security.ts", " M bench/README.md", "?? bench/search/explain-notes.md"]) {
    assert.equal(isRunOutput(line), false, line);
  }
});
