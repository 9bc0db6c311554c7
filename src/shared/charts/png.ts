import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';

/**
 * Fonts for "Arial, sans-serif", best first. Arial itself where installed (Windows,
 * macOS); then its metric-compatible stand-ins, so text takes the width the layout
 * assumed; then DejaVu Sans, which Debian's fontconfig always pulls in (fonts-dejavu-core)
 * and so is present on the servers and CI even without fonts-liberation.
 */
const CANDIDATES: ReadonlyArray<{ family: string; files: readonly string[] }> = [
  { family: 'Arial', files: ['arial.ttf', 'Arial.ttf'] },
  { family: 'Liberation Sans', files: ['LiberationSans-Regular.ttf'] },
  { family: 'Arimo', files: ['Arimo-Regular.ttf', 'Arimo[wght].ttf'] },
  { family: 'DejaVu Sans', files: ['DejaVuSans.ttf'] },
];

function fontDirectories(): string[] {
  const home = homedir();
  return [
    '/usr/share/fonts', '/usr/local/share/fonts', join(home, '.local/share/fonts'), join(home, '.fonts'),
    '/Library/Fonts', '/System/Library/Fonts', join(home, 'Library/Fonts'),
    join(process.env.WINDIR ?? 'C:\\Windows', 'Fonts'),
  ];
}

function listFontFiles(dir: string, depth = 0, found = new Set<string>()): Set<string> {
  if (depth > 4) return found;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found; // a directory this platform does not have
  }
  for (const entry of entries) {
    if (entry.isDirectory()) listFontFiles(join(dir, entry.name), depth + 1, found);
    else found.add(entry.name);
  }
  return found;
}

let chosenFamily: string | undefined;

/**
 * The family the renderer uses for "sans-serif" (and for text naming no family). resvg
 * does not consult fontconfig's aliases, and left to itself it picks the first system font
 * it finds (on Debian, "DejaVu Math TeX Gyre"), so the choice is made here, once.
 */
export function chartFontFamily(): string {
  if (chosenFamily) return chosenFamily;
  const files = new Set<string>();
  for (const dir of fontDirectories()) listFontFiles(dir, 0, files);
  const match = CANDIDATES.find((c) => c.files.some((f) => files.has(f)));
  if (!match) {
    throw new Error('No font for chart images: install fonts-liberation or fonts-dejavu-core (Debian), so chart text can be drawn.');
  }
  chosenFamily = match.family;
  return chosenFamily;
}

export type PngOptions = {
  /** Pixel density: 2 gives a 1,520px-wide image of a 760-wide chart. 1 to 4. */
  scale?: number;
};

/**
 * Rasterises a chart's SVG to PNG. Rendering runs on libuv's thread pool, so a request for
 * an image does not hold up the event loop.
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  const scale = options.scale ?? 1;
  // Bounded because the scale may come from a query string and memory grows with its square.
  if (!Number.isFinite(scale) || scale < 1 || scale > 4) throw new RangeError(`PNG scale must be from 1 to 4, got ${scale}`);
  const family = chartFontFamily();
  const image = await renderAsync(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: family, sansSerifFamily: family },
    background: '#ffffff',
    logLevel: 'error',
  });
  return image.asPng();
}
