import { describe, expect, it } from "vitest";
import { budgetKey } from "./request-budget.ts";

describe("budgetKey: whose per-IP budget a request takes", () => {
  it("an IPv4 address as it is, an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(budgetKey("203.0.113.7")).toBe("203.0.113.7");
    expect(budgetKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(budgetKey("::FFFF:203.0.113.7")).toBe("203.0.113.7");
  });

  it("an IPv6 address as its /64 network, however it is written", () => {
    const forms = ["2001:db8:1:2::1", "2001:0db8:0001:0002:0000:0000:0000:0001", "2001:DB8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::1%eth0"];
    for (const ip of forms) expect(budgetKey(ip)).toBe("2001:db8:1:2::/64");
    expect(budgetKey("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
  });

  it("zeros elided anywhere, and an IPv4 tail counted as two groups", () => {
    expect(budgetKey("::1")).toBe("0:0:0:0::/64");
    expect(budgetKey("fe80::1")).toBe("fe80:0:0:0::/64");
    expect(budgetKey("2001:db8::")).toBe("2001:db8:0:0::/64");
    // 1::2:3:4:192.0.2.1 is 1:0:0:2:3:4:c000:201
    expect(budgetKey("1::2:3:4:192.0.2.1")).toBe("1:0:0:2::/64");
    expect(budgetKey("64:ff9b::192.0.2.1")).toBe("64:ff9b:0:0::/64");
  });
});
