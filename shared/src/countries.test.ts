import { describe, expect, it } from "vitest";
import { COUNTRY_CODES, COUNTRY_MESSAGE, isCountryCode, shippingAddressSchema } from "./index.ts";

const address = { name: "Ana Silva", line1: "Rua Augusta 1", city: "Lisboa", postalCode: "1100-053" };

describe("shipping countries", () => {
  it("are the 249 ISO 3166-1 alpha-2 codes, each with a name the browser can show", () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    for (const code of COUNTRY_CODES) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(names.of(code)).not.toBe(code);
    }
    expect(names.of("PT")).toBe("Portugal");
  });

  it("refuses what a country typed by hand became (“Portugal” cut to PO), and codes outside the list", () => {
    for (const bad of ["PO", "Portugal", "EU", "UK", "XK", "ZZ", ""]) {
      expect(isCountryCode(bad)).toBe(false);
      const r = shippingAddressSchema.safeParse({ ...address, country: bad });
      expect(r.error?.issues).toMatchObject([{ path: ["country"], message: COUNTRY_MESSAGE }]);
    }
  });

  it("accepts a listed code in any case", () => {
    expect(shippingAddressSchema.parse({ ...address, country: " pt " }).country).toBe("PT");
    expect(shippingAddressSchema.parse({ ...address, country: "GB" }).country).toBe("GB");
  });
});
