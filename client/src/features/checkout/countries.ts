import { COUNTRY_CODES, type CountryCode } from "@marketplace/shared";

export interface CountryOption {
  code: CountryCode;
  name: string;
}

/** The browser's languages, for names and sorting ("Allemagne" for DE in French). */
function locales(): string[] {
  return typeof navigator !== "undefined" && navigator.languages.length ? [...navigator.languages] : ["en"];
}

/**
 * The shipping countries (the shared list the server checks against), named in the user's
 * language by `Intl.DisplayNames` and sorted by that name as that language sorts.
 */
export function countryOptions(langs: readonly string[] = locales()): CountryOption[] {
  const names = new Intl.DisplayNames([...langs], { type: "region", fallback: "code" });
  const collator = new Intl.Collator([...langs]);
  return COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code })).sort((a, b) => collator.compare(a.name, b.name));
}
