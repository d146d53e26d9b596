/**
 * What a text box says about its length limit. Inputs are never cut at the limit (a pasted
 * 5,000-character title was silently cut to 140, a long search to 100): from `showFrom` on the
 * box shows its count, and past the limit by how much, and stays invalid until shortened.
 */
export interface LimitNote {
  over: boolean;
  text: string;
}

const fmt = (n: number) => n.toLocaleString("en");

export function limitNote(length: number, max: number, showFrom = max): LimitNote | null {
  if (length < showFrom) return null;
  const over = length - max;
  return over > 0
    ? { over: true, text: `${fmt(length)} / ${fmt(max)} characters: ${fmt(over)} over the limit` }
    : { over: false, text: `${fmt(length)} / ${fmt(max)} characters` };
}
