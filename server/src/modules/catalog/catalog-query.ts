/**
 * The search text as `websearch_to_tsquery` gets it (SECURITY 38).
 *
 * `websearch_to_tsquery` never rejects syntax: operator characters it does not know are skipped
 * and quotes left open are closed. Its one failure on user text is depth: every `-` met while
 * it waits for a word is a NOT pushed on a stack of 32, so 33 of them before a word (50 dashes,
 * `- - - …`, `(-(-(-…`, with only spaces or operator characters between) fail the statement with
 * "tsquery stack too small", a 500. A run of NOTs means no more than one NOT to anyone typing
 * it, so each run of dashes with nothing word-like between them becomes a single dash. Letters
 * and digits end a run (they make a word, which empties the stack), and so do quotes (inside a
 * phrase a dash is not an operator, and keeping every quote keeps which words are phrases).
 * Hyphenated words (`t-shirt`, `a-b-c`) keep their single dashes and stay as they were.
 */
const NOT_RUN = /-(?:[^\p{L}\p{N}"]*-)+/gu;

export function websearchText(q: string): string {
  return q.replace(NOT_RUN, "-");
}
