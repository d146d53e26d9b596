/**
 * The root `pnpm start`: the client's build (when needed) starts before the server's modules
 * load, and runs beside the database's preparation; main.ts waits for it before it serves.
 */
import { startClientBuild } from "./client-build.ts";

// main.ts awaits this same build before it serves, and reports its failure there; the handler
// here only keeps an early failure from counting as an unhandled rejection before that await.
startClientBuild().catch(() => {});
await import("./main.ts");
