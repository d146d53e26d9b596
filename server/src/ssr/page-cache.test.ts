import { describe, expect, it } from "vitest";
import { RenderedPageCache } from "./page-cache.ts";

describe("the rendered-page cache", () => {
  const page = (html: string) => ({ status: 200, body: Buffer.from(html) });

  it("gives a page back at the version it was rendered at, until its time is up", () => {
    let now = 0;
    const cache = new RenderedPageCache(1_000, 10, () => now);
    cache.put("/products/a", "db:7", page("a at 7"));
    expect(cache.get("/products/a", "db:7")?.body.toString()).toBe("a at 7");
    expect(cache.get("/products/b", "db:7")).toBeUndefined();
    now = 999;
    expect(cache.get("/products/a", "db:7")?.body.toString()).toBe("a at 7");
    now = 1_000;
    expect(cache.get("/products/a", "db:7")).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry is dropped when met
  });

  it("never gives a page back once the catalog has moved on", () => {
    const cache = new RenderedPageCache(60_000, 10, () => 0);
    cache.put("/shops/linden", "db:7", page("at 7"));
    expect(cache.get("/shops/linden", "db:8")).toBeUndefined();
    // Nor at the old version again: the entry is gone, not kept aside.
    expect(cache.get("/shops/linden", "db:7")).toBeUndefined();
  });

  it("keeps at most its number of pages, dropping the least recently stored", () => {
    const cache = new RenderedPageCache(60_000, 2, () => 0);
    cache.put("/a", "v", page("a"));
    cache.put("/b", "v", page("b"));
    cache.put("/a", "v", page("a again")); // stored again: now the newest
    cache.put("/c", "v", page("c"));
    expect(cache.size).toBe(2);
    expect(cache.get("/b", "v")).toBeUndefined();
    expect(cache.get("/a", "v")?.body.toString()).toBe("a again");
    expect(cache.get("/c", "v")?.body.toString()).toBe("c");
  });

  it("keeps nothing with a time of 0", () => {
    const cache = new RenderedPageCache(0, 10, () => 0);
    cache.put("/a", "v", page("a"));
    expect(cache.get("/a", "v")).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
