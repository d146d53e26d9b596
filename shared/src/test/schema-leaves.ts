import { z } from "zod";

type Leaf = [path: string, schema: z.core.$ZodType];

/**
 * The schemas of the given kinds (`"string"`, `"number"`, `"array"`…) reachable from `schema`,
 * each with its path (`productCreateInput.variants[].sku`): through objects, wrappers (optional,
 * default…), arrays (whose elements are walked too), unions and the input side of pipes (a pipe's
 * output schema only sees what its input already accepted, e.g. `z.email()` after the trimmed
 * text). The shared tests walk every exported schema with it to check each field.
 */
export function leavesOf(schema: z.core.$ZodType, path: string, kinds: readonly string[], out: Leaf[] = [], seen = new Set<unknown>()): Leaf[] {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = schema._zod.def;
  if (kinds.includes(def.type)) out.push([path, schema]);
  const walk = (inner: z.core.$ZodType, at = path) => leavesOf(inner, at, kinds, out, seen);
  switch (def.type) {
    case "object":
      for (const [key, value] of Object.entries((def as z.core.$ZodObjectDef).shape)) walk(value, `${path}.${key}`);
      break;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
    case "catch":
      walk((def as z.core.$ZodOptionalDef).innerType);
      break;
    case "array":
      walk((def as z.core.$ZodArrayDef).element, `${path}[]`);
      break;
    case "union":
      for (const option of (def as z.core.$ZodUnionDef).options) walk(option);
      break;
    case "pipe":
      walk((def as z.core.$ZodPipeDef).in);
      break;
  }
  return out;
}

/** The zod schemas a module exports, by export name. */
export function exportedSchemas(module: Record<string, unknown>): [string, z.ZodType][] {
  return Object.entries(module).flatMap(([name, value]) => (value instanceof z.ZodType ? [[name, value] as [string, z.ZodType]] : []));
}

/** The `kinds` leaves of every schema a module exports. */
export function leavesOfModule(module: Record<string, unknown>, kinds: readonly string[]): Leaf[] {
  return exportedSchemas(module).flatMap(([name, schema]) => leavesOf(schema, name, kinds));
}
