import { hashString } from "./random.ts";

/**
 * Product pictures and shop logos drawn locally as small SVG data URLs (nothing is downloaded):
 * a soft two-colour gradient picked from the title's hash, a simple shape and a word.
 */

/** [gradient from, gradient to, ink]. */
const PALETTES: readonly (readonly [string, string, string])[] = [
  ["#fde2e4", "#fad2e1", "#7a2e48"],
  ["#e2ece9", "#bee1e6", "#1f5560"],
  ["#fff1e6", "#f0d9c4", "#7a4a24"],
  ["#dfe7fd", "#cddafd", "#2c3f7a"],
  ["#eae4e9", "#d8cfe8", "#4b3a6b"],
  ["#e9f5db", "#cfe1b9", "#3d5a1e"],
  ["#fef9e7", "#fbe7a1", "#6d5410"],
  ["#e3f2fd", "#bbdefb", "#0d4a80"],
  ["#fbe9e7", "#ffccbc", "#8a3216"],
  ["#eceff1", "#cfd8dc", "#37474f"],
  ["#f3e5f5", "#e1bee7", "#6a1b7a"],
  ["#e0f2f1", "#b2dfdb", "#00584d"],
];

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function toDataUrl(svg: string): string {
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

function gradient(from: string, to: string, angle: number): string {
  // Angle 0..3 → one of four diagonal/straight directions.
  const dirs = ["x2='1' y2='1'", "x2='0' y2='1'", "x1='1' x2='0' y2='1'", "x2='1' y2='0'"];
  return `<defs><linearGradient id='g' ${dirs[angle % dirs.length]}><stop offset='0' stop-color='${from}'/><stop offset='1' stop-color='${to}'/></linearGradient></defs>`;
}

function shape(kind: number, h: number): string {
  const dx = (h >>> 3) % 60;
  const dy = (h >>> 9) % 40;
  switch (kind % 4) {
    case 0:
      return `<circle cx='${170 + dx}' cy='${150 + dy}' r='92' fill='#fff' fill-opacity='.55'/><circle cx='${270 - dx}' cy='${110 + dy}' r='34' fill='#fff' fill-opacity='.35'/>`;
    case 1:
      return `<rect x='${110 + dx}' y='${70 + dy}' width='150' height='150' rx='28' fill='#fff' fill-opacity='.5' transform='rotate(12 200 160)'/>`;
    case 2:
      return `<path d='M${120 + dx} 250V160a${80 - dx / 3} ${80 - dx / 3} 0 0 1 ${160 - (2 * dx) / 3} 0v90z' fill='#fff' fill-opacity='.5'/>`;
    default:
      return `<path d='M200 ${50 + dy}l${95 + dx / 2} 110-${95 + dx / 2} 110-${95 + dx / 2}-110z' fill='#fff' fill-opacity='.5'/>`;
  }
}

/**
 * The `index`-th picture of a product (0 is the main one); `label` is the word drawn on it,
 * e.g. the product's noun. Roughly 1 KB each.
 */
export function productImageUrl(title: string, label: string, index: number): string {
  const h = hashString(`${title}#${index}`);
  const base = hashString(title);
  const [from, to, ink] = PALETTES[(base + index * 5) % PALETTES.length]!;
  const text = label.length > 20 ? `${label.slice(0, 19)}…` : label;
  // About 0.6 em per character: the word spans at most ~360 of the 400 units.
  const size = Math.min(52, Math.floor(600 / Math.max(text.length, 6)));
  const svg =
    `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 400 400'>` +
    gradient(from, to, base + index) +
    `<rect width='400' height='400' fill='url(#g)'/>` +
    shape(base + index, h) +
    `<text x='200' y='335' font-family='system-ui,sans-serif' font-size='${size}' font-weight='600' text-anchor='middle' fill='${ink}'>${escapeXml(text)}</text>` +
    `</svg>`;
  return toDataUrl(svg);
}

/** Initials of a shop's name: "Clay & Kiln Pottery" → "CK". */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w) && w.toLowerCase() !== "and")
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
}

/** A round logo with the shop's initials. */
export function shopLogoUrl(name: string): string {
  const h = hashString(name);
  const [from, to, ink] = PALETTES[h % PALETTES.length]!;
  const svg =
    `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 200 200'>` +
    gradient(from, to, h >>> 4) +
    `<circle cx='100' cy='100' r='100' fill='url(#g)'/>` +
    `<circle cx='100' cy='100' r='78' fill='none' stroke='${ink}' stroke-opacity='.25' stroke-width='3'/>` +
    `<text x='100' y='122' font-family='Georgia,serif' font-size='64' font-weight='700' text-anchor='middle' fill='${ink}'>${escapeXml(initials(name))}</text>` +
    `</svg>`;
  return toDataUrl(svg);
}
