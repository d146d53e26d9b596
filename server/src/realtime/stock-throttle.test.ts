import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OutgoingEvent } from "./publish.ts";
import { StockThrottle } from "./stock-throttle.ts";

const stock = (productId: string, variantId: string, n: number): OutgoingEvent<"stock.changed"> => ({
  name: "stock.changed",
  rooms: [`product:${productId}`],
  payload: { productId, variantId, stock: n, id: `${productId}-${variantId}-${n}`, at: new Date().toISOString() },
});

describe("StockThrottle", () => {
  let sent: OutgoingEvent<"stock.changed">[];
  let throttle: StockThrottle;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    throttle = new StockThrottle((e) => sent.push(e), 100);
  });
  afterEach(() => {
    throttle.close();
    vi.useRealTimers();
  });
  const seen = () => sent.map((e) => `${e.payload.variantId}=${e.payload.stock}`);

  it("sends a product's first change at once", () => {
    throttle.push(stock("p", "v1", 9));
    expect(seen()).toEqual(["v1=9"]);
  });

  it("holds the changes of a busy product and sends only the newest stock per variant when the window ends", () => {
    throttle.push(stock("p", "v1", 9));
    for (let n = 8; n >= 3; n--) {
      vi.advanceTimersByTime(10);
      throttle.push(stock("p", "v1", n));
    }
    throttle.push(stock("p", "v2", 4));
    expect(seen()).toEqual(["v1=9"]);
    vi.advanceTimersByTime(39); // 99 ms after the first send
    expect(seen()).toEqual(["v1=9"]);
    vi.advanceTimersByTime(1);
    expect(seen()).toEqual(["v1=9", "v1=3", "v2=4"]);
    // The next window starts at that send.
    throttle.push(stock("p", "v1", 2));
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(100);
    expect(seen().at(-1)).toBe("v1=2");
  });

  it("does not hold one product back for another", () => {
    throttle.push(stock("p", "v1", 9));
    throttle.push(stock("q", "w1", 5));
    expect(seen()).toEqual(["v1=9", "w1=5"]);
  });

  it("sends at once again after a quiet window, and sends what it holds at close", () => {
    throttle.push(stock("p", "v1", 9));
    vi.advanceTimersByTime(150);
    throttle.push(stock("p", "v1", 8));
    expect(seen()).toEqual(["v1=9", "v1=8"]);
    throttle.push(stock("p", "v1", 7));
    throttle.close();
    expect(seen()).toEqual(["v1=9", "v1=8", "v1=7"]);
  });
});
