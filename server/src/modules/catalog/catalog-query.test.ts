import { describe, expect, it } from "vitest";
import { websearchText } from "./catalog-query.ts";

describe("websearchText", () => {
  it("SECURITY 38: makes each run of negations one, whatever separates them", () => {
    expect(websearchText("-".repeat(50))).toBe("-");
    expect(websearchText("- ".repeat(40) + "mug")).toBe("- mug");
    expect(websearchText("(-".repeat(40) + "mug")).toBe("(-mug");
    expect(websearchText("mug --cup -\u3000-!-bowl")).toBe("mug -cup -bowl");
  });

  it("keeps words, hyphenated words, single negations and every quote", () => {
    for (const q of ["blue mug", "t-shirt", "a-b-c-d", "mug -cup", '"blue mug" -red', "!!&|<->(( ))::*", "'", "\\", "x".repeat(200)]) {
      expect(websearchText(q)).toBe(q);
    }
    expect(websearchText('-"-"-"')).toBe('-"-"-"');
  });
});
