import { describe, expect, it } from "vitest";
import { csvCell, csvLine, Money } from "./csv.ts";

describe("CSV cells", () => {
  it("defuse text a spreadsheet would run as a formula", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\",\"x\")")).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("Mug = nice")).toBe("Mug = nice");
  });

  it("quote separators, quotes and line breaks; keep numbers and money as numbers", () => {
    expect(csvCell('Say "hi", then\nleave')).toBe('"Say ""hi"", then\nleave"');
    expect(csvCell(-1250)).toBe("-1250");
    expect(csvCell(new Money(-1250, "USD"))).toBe("-12.50");
    expect(csvCell(new Money(5, "EUR"))).toBe("0.05");
    expect(csvCell(new Money(500, "JPY"))).toBe("500");
    expect(csvCell(new Date("2026-01-10T15:00:00Z"))).toBe("2026-01-10T15:00:00.000Z");
    expect(csvCell(null)).toBe("");
    expect(csvLine(["a", 1, null])).toBe("a,1,\r\n");
  });
});
