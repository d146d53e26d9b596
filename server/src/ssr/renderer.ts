import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { localLink, type TRPCLink } from "@trpc/client";
import { createContextInner, type AppDeps } from "../trpc/context.ts";
import { appRouter, type AppRouter } from "../trpc/root.ts";
import { transformer } from "../trpc/transformer.ts";

/** What client/src/entry-server.ts exports (built by `vite build --ssr` into client/dist-ssr). */
interface SsrEntry {
  setTransport(link: TRPCLink<AppRouter>): void;
  render(options: { url: string; template: string; publicUrl: string; manifest: Record<string, string[]> }): Promise<RenderedPage>;
}

export interface RenderedPage {
  status: 200 | 404;
  missing: { kind: "product"; id: string } | { kind: "shop"; slug: string } | null;
  /** The route is not a server-rendered one (a private page): send the client-rendered shell. */
  clientOnly: boolean;
  html: string;
}

export type RenderPage = (url: string) => Promise<RenderedPage>;

/**
 * Loads the client's server renderer, when built beside the client (CLIENT_DIST + "-ssr"), and
 * points its data at this process's procedures: a local tRPC link, no HTTP round trip. The
 * context is always an anonymous visitor's (no cookie is ever read), so a rendered page holds
 * nothing of the person who asked for it and may be cached for everyone (SECURITY.md 49).
 * Returns null without a server build (tests, `pnpm dev`): pages are then client-rendered.
 */
export async function loadRenderer(deps: AppDeps): Promise<RenderPage | null> {
  const distDir = deps.config.clientDist;
  const entryFile = path.join(`${distDir}-ssr`, "entry-server.js");
  const templateFile = path.join(distDir, "index.html");
  if (!existsSync(entryFile) || !existsSync(templateFile)) return null;
  const entry = (await import(pathToFileURL(entryFile).href)) as SsrEntry;
  const template = readFileSync(templateFile, "utf8");
  const manifestFile = path.join(distDir, ".vite", "ssr-manifest.json");
  const manifest = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, string[]>) : {};
  const link = localLink<AppRouter>({
    router: appRouter,
    transformer,
    createContext: () => createContextInner({ deps, sessionToken: null }),
  });
  const publicUrl = deps.config.publicUrl;
  return (url) => {
    // The renderer module is loaded once per process and holds one transport: a process runs one
    // server, but tests start several (each its own database), so the last to render rebinds it.
    if (bound !== link) {
      entry.setTransport(link);
      bound = link;
    }
    return entry.render({ url, template, publicUrl, manifest });
  };
}

let bound: TRPCLink<AppRouter> | null = null;
