/** `pnpm --filter @marketplace/deploy k8s:render demo` prints what `kubectl kustomize docker/k8s/demo` would. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { render } from "./render.ts";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[2] ?? "demo");
process.stdout.write(render(dir).map((o) => stringify(o)).join("---\n"));
