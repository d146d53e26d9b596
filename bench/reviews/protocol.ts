/** Messages between the reviews benchmark's runner and its server processes (IPC). */
export type FromServer =
  | { type: "ready"; url: string }
  /** Process CPU time so far, in ms (process.cpuUsage). */
  | { type: "cpu"; userMs: number; systemMs: number };

export type ToServer = { type: "cpu" };

/** What both servers take from the environment. */
export interface ServerEnv {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: string;
}

/** The cookie both servers read the session from (the production name: NODE_ENV=production). */
export const SESSION_COOKIE = "__Host-session";

/** Answers the runner's CPU question; exits when the runner goes away. */
export function serveIpc(send: (msg: FromServer) => void) {
  process.on("disconnect", () => process.exit(1));
  process.on("message", (msg: ToServer) => {
    if (msg.type === "cpu") {
      const u = process.cpuUsage();
      send({ type: "cpu", userMs: u.user / 1000, systemMs: u.system / 1000 });
    }
  });
}
