import type { Db } from "../client.ts";

/** Placeholder until the demo catalog lands: creates nothing yet. */
export async function seedDemo(_db: Db): Promise<string> {
  return "nothing yet";
}
