/**
 * The root `pnpm start`: the client's build (when needed) starts before the server's modules
 * load, and runs beside the database's preparation; main.ts waits for it before it serves.
 */
import { startClientBuild } from "./client-build.ts";

startClientBuild();
await import("./main.ts");
