// Generates the Prisma client offline. The Prisma CLI looks for a native schema engine on every
// command and would try to download one; `generate` never uses it, so any existing file will do.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const schema = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
const result = spawnSync("prisma", ["generate", "--schema", schema], {
  stdio: "inherit",
  shell: process.platform === "win32",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
