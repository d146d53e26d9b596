import { z } from "zod";

/** 1234567 → "1,234,567": limits are read by people. */
const n = (v: number | bigint) => Number(v).toLocaleString("en-US");

/**
 * The words for a check that has no message of its own, installed for every schema of the
 * contract (see common.ts). Zod's defaults ("Too big: expected number to be <=1000000") are
 * written for developers and reached buyers and sellers; these name the limit in plain words.
 * A message given in a schema always wins; this is the floor under them.
 */
export const humanError: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "too_big": {
      const max = issue.inclusive === false ? Number(issue.maximum) - 1 : issue.maximum;
      if (issue.origin === "string") return `Use at most ${n(max)} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `At most ${n(max)} allowed`;
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") return `Enter ${n(max)} or less`;
      return undefined;
    }
    case "too_small": {
      const min = issue.inclusive === false ? Number(issue.minimum) + 1 : issue.minimum;
      if (issue.origin === "string") return Number(min) <= 1 ? "Required" : `Use at least ${n(min)} characters`;
      if (issue.origin === "array" || issue.origin === "set") return `Add at least ${n(min)}`;
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") return `Enter ${n(min)} or more`;
      return undefined;
    }
    case "invalid_type":
      if (issue.input === undefined) return "Required";
      if (issue.expected === "int") return "Enter a whole number";
      if (issue.expected === "number") return "Enter a number";
      if (issue.expected === "string") return "Enter text";
      return "This value is not valid";
    case "invalid_value":
      return "Choose one of the options";
    case "invalid_format":
      return issue.format === "email" ? "Enter a valid email address" : "This value is not valid";
    default:
      return undefined;
  }
};

z.config({ customError: humanError });
