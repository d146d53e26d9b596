import { describe, expect, it } from "vitest";
import { journeyBrowser } from "./browser.ts";

const app = journeyBrowser();

/** What the home page may cost a phone on first visit: its JavaScript as sent over the wire. */
export const HOME_JS_BUDGET_BYTES = 120 * 1024;

describe("the storefront's weight", () => {
  it("the home page's JavaScript arrives compressed, within its budget", async () => {
    const { context, page } = await app.open({ width: 375, height: 740 });
    const scripts: Promise<{ url: string; encoding?: string; vary?: string; wireBytes: number }>[] = [];
    page.on("requestfinished", (request) => {
      if (request.resourceType() !== "script") return;
      scripts.push(
        (async () => {
          const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
          const headers = (await response?.allHeaders()) ?? {};
          // The body as it came over the wire (compressed), as Chromium counted it.
          return { url: request.url(), encoding: headers["content-encoding"], vary: headers.vary, wireBytes: sizes.responseBodySize };
        })(),
      );
    });
    await page.goto("/");
    await page.getByTestId("product-card").first().waitFor();
    await page.waitForLoadState("networkidle");
    const loaded = await Promise.all(scripts);
    const total = loaded.reduce((sum, s) => sum + s.wireBytes, 0);
    console.log(`home page JavaScript: ${loaded.length} files, ${(total / 1024).toFixed(1)} KB over the wire`);

    expect(loaded.length).toBeGreaterThan(1);
    // Every script big enough to be worth it came as brotli (Chromium asks for it), with Vary.
    for (const s of loaded.filter((l) => l.wireBytes >= 1024)) {
      expect(s.encoding, s.url).toBe("br");
      expect(s.vary?.toLowerCase(), s.url).toContain("accept-encoding");
    }
    expect(total).toBeLessThanOrEqual(HOME_JS_BUDGET_BYTES);
    await context.close();
  });

  it("API answers above a kilobyte are compressed; small ones are not", async () => {
    const { context, page } = await app.open();
    const search = await page.request.get(`/trpc/catalog.search?input=${encodeURIComponent(JSON.stringify({ json: { limit: 24 } }))}`, {
      headers: { "accept-encoding": "br, gzip" },
    });
    expect(search.status()).toBe(200);
    expect(search.headers()["content-encoding"]).toBe("br");
    expect((await search.json()).result.data.json.items.length).toBeGreaterThan(0);

    const health = await page.request.get("/healthz", { headers: { "accept-encoding": "br, gzip" } });
    expect(health.headers()["content-encoding"]).toBeUndefined();
    await context.close();
  });
});
