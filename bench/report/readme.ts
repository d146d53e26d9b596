/**
 * The generated parts of bench/README.md sit between marker comments, one pair per block:
 *
 *   <!-- results:search -->
 *   …generated, never edited by hand…
 *   <!-- /results:search -->
 */

const open = (name: string) => `<!-- results:${name} -->`;
const close = (name: string) => `<!-- /results:${name} -->`;

/** `text` with every block replaced; a block whose markers are missing is an error. */
export function fillBlocks(text: string, blocks: Record<string, string>): string {
  let out = text;
  for (const [name, body] of Object.entries(blocks)) {
    const start = out.indexOf(open(name));
    const end = out.indexOf(close(name));
    if (start < 0 || end < start) throw new Error(`bench/README.md lacks the markers ${open(name)} … ${close(name)}`);
    out = `${out.slice(0, start + open(name).length)}\n${body}\n${out.slice(end)}`;
  }
  return out;
}

/** The names of the blocks whose text differs between `text` and what `blocks` generate. */
export function staleBlocks(text: string, blocks: Record<string, string>): string[] {
  const filled = fillBlocks(text, blocks);
  if (filled === text) return [];
  return Object.keys(blocks).filter((name) => fillBlocks(text, { [name]: blocks[name]! }) !== text);
}
