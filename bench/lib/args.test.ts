import assert from "node:assert/strict";
import { test } from "node:test";
import { flag, helpText, list, num, parseOptions, str } from "./args.ts";

const usage = { command: "bench x", about: "A benchmark." };
const spec = {
  duration: num(10, "seconds"),
  only: list([], "cases"),
  modes: list(["one", "two"], "modes"),
  name: str("abc", "a name"),
  keep: flag("keep it"),
};

test("defaults when nothing is given", () => {
  assert.deepEqual(parseOptions(usage, spec, []), { duration: 10, only: [], modes: ["one", "two"], name: "abc", keep: false });
});

test("values are parsed by kind; pnpm's -- separator is ignored", () => {
  const o = parseOptions(usage, spec, ["--", "--duration=2.5", "--only=a,b", "--name=x", "--keep"]);
  assert.deepEqual(o, { duration: 2.5, only: ["a", "b"], modes: ["one", "two"], name: "x", keep: true });
});

test("--help lists every option with its default", () => {
  const text = helpText(usage, spec);
  for (const line of ["--duration=10", "--only=(all)", "--modes=one,two", "--name=abc", "--keep", "--help"]) assert.ok(text.includes(line), line);
});
