/**
 * Gi* checked against an independent implementation, R's spdep::localG, on the same cells
 * and the same weights (binary style, include.self). Square grids: R finds the neighbours
 * itself (dnearneigh within 1.5 cell widths). Hexagonal grids: our neighbour list is passed
 * to R explicitly, and R also derives its own (dnearneigh within 1.1 widths; the next ring
 * is √3 widths away), so both the list and the statistic are checked.
 * R also supplies the p-values (pnorm) and their BH adjustment (p.adjust).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBng, toBng } from '../../../shared/bng.ts';
import type { MultiPolygonGeometry, PolygonGeometry, Position } from '../../geography/area.types.ts';
import { readBoundaries } from '../../geography/geojson.loader.ts';
import { giStar } from './gi-star.ts';
import { buildGrid, cellAt, countIntoGrid, gridNeighbours, type Grid } from './grid.ts';

const hasR =
  spawnSync('Rscript', ['-e', 'quit(status = if (requireNamespace("spdep", quietly = TRUE)) 0 else 1)'], { stdio: 'ignore' }).status === 0;
const dataDir = resolve(import.meta.dirname, '../../../../../shared/data');
const hasData = existsSync(join(dataDir, 'police-uk/city-of-london')) && existsSync(join(dataDir, 'boundaries/london-boroughs.geojson'));

const R_SCRIPT = `
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
coords <- cbind(d$easting, d$northing)
nb <- include.self(dnearneigh(coords, 0, 1.5 * as.numeric(args[3])))
lw <- nb2listw(nb, style = "B")
z <- as.numeric(localG(d$x, lw))
p <- 2 * pnorm(-abs(z))
out <- data.frame(z = formatC(z, digits = 17, format = "g"), p = formatC(p, digits = 17, format = "g"),
                  q = formatC(p.adjust(p, "BH"), digits = 17, format = "g"))
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
`;

// Our neighbour list (1-based pairs, self left out) becomes an spdep nb object; R's own
// distance-based list is built beside it and both are scored.
const R_HEX_SCRIPT = `
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
pairs <- read.csv(args[2])
n <- nrow(d)
ours <- lapply(seq_len(n), function(i) {
  v <- sort(as.integer(pairs$to[pairs$from == i]))
  if (length(v) == 0) 0L else v
})
class(ours) <- "nb"
attr(ours, "region.id") <- as.character(seq_len(n))
theirs <- dnearneigh(cbind(d$easting, d$northing), 0, 1.1 * as.numeric(args[4]), row.names = as.character(seq_len(n)))
same <- all(mapply(function(a, b) identical(as.integer(a), as.integer(b)), ours, theirs))
g <- function(nb) as.numeric(localG(d$x, nb2listw(include.self(nb), style = "B")))
z <- g(ours)
z2 <- g(theirs)
p <- 2 * pnorm(-abs(z))
out <- data.frame(z = formatC(z, digits = 17, format = "g"), p = formatC(p, digits = 17, format = "g"),
                  q = formatC(p.adjust(p, "BH"), digits = 17, format = "g"),
                  z2 = formatC(z2, digits = 17, format = "g"), same = same)
write.csv(out, args[3], row.names = FALSE, quote = FALSE)
`;

const workDir = mkdtempSync(join(tmpdir(), 'lantern-gi-star-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

type Reference = { z: number[]; p: number[]; q: number[] };

function spdepLocalG(grid: Grid, values: ArrayLike<number>, name: string): Reference {
  const script = join(workDir, 'localG.R');
  const input = join(workDir, `${name}.in.csv`);
  const output = join(workDir, `${name}.out.csv`);
  writeFileSync(script, R_SCRIPT);
  const lines = ['easting,northing,x'];
  grid.cells.forEach((c, i) => lines.push(`${c.easting},${c.northing},${values[i]}`));
  writeFileSync(input, lines.join('\n') + '\n');
  const run = spawnSync('Rscript', [script, input, output, String(grid.cellSize)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`Rscript failed: ${run.stderr}`);
  const rows = readFileSync(output, 'utf8').trim().split('\n').slice(1);
  const cols = rows.map((r) => r.split(',').map(Number));
  return { z: cols.map((c) => c[0] as number), p: cols.map((c) => c[1] as number), q: cols.map((c) => c[2] as number) };
}

type HexReference = Reference & { zFromDistances: number[]; sameNeighbours: boolean };

function spdepLocalGHex(grid: Grid, values: ArrayLike<number>, name: string): HexReference {
  const script = join(workDir, 'localG-hex.R');
  const input = join(workDir, `${name}.in.csv`);
  const nbFile = join(workDir, `${name}.nb.csv`);
  const output = join(workDir, `${name}.out.csv`);
  writeFileSync(script, R_HEX_SCRIPT);
  const lines = ['easting,northing,x'];
  grid.cells.forEach((c, i) => lines.push(`${c.easting},${c.northing},${values[i]}`));
  writeFileSync(input, lines.join('\n') + '\n');
  const { offsets, indices } = gridNeighbours(grid);
  const pairs = ['from,to'];
  for (let i = 0; i < grid.cells.length; i++) {
    for (let k = offsets[i] as number; k < (offsets[i + 1] as number); k++) {
      const j = indices[k] as number;
      if (j !== i) pairs.push(`${i + 1},${j + 1}`);
    }
  }
  writeFileSync(nbFile, pairs.join('\n') + '\n');
  const run = spawnSync('Rscript', [script, input, nbFile, output, String(grid.cellSize)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`Rscript failed: ${run.stderr}`);
  const rows = readFileSync(output, 'utf8').trim().split('\n').slice(1);
  const cols = rows.map((r) => r.split(','));
  return {
    z: cols.map((c) => Number(c[0])),
    p: cols.map((c) => Number(c[1])),
    q: cols.map((c) => Number(c[2])),
    zFromDistances: cols.map((c) => Number(c[3])),
    sameNeighbours: cols.every((c) => c[4] === 'TRUE'),
  };
}

function compare(grid: Grid, values: ArrayLike<number>, name: string): number {
  const ours = giStar(grid, values);
  let ref: Reference;
  if (grid.shape === 'hex') {
    const hex = spdepLocalGHex(grid, values, name);
    expect(hex.sameNeighbours).toBe(true);
    ours.forEach((cell, i) => expect(Math.abs(cell.z - (hex.zFromDistances[i] as number))).toBeLessThan(1e-6));
    ref = hex;
  } else {
    ref = spdepLocalG(grid, values, name);
  }
  expect(ref.z).toHaveLength(ours.length);
  let maxDiff = 0;
  ours.forEach((cell, i) => {
    maxDiff = Math.max(maxDiff, Math.abs(cell.z - (ref.z[i] as number)));
    expect(cell.p).toBeCloseTo(ref.p[i] as number, 9);
    expect(cell.pFdr).toBeCloseTo(ref.q[i] as number, 9);
  });
  expect(maxDiff).toBeLessThan(1e-6);
  console.log(`${name}: ${ours.length} cells, max |z − spdep z| = ${maxDiff.toExponential(2)}`);
  return maxDiff;
}

/**
 * 30×30 cells of 250 m with a 5×8-cell notch cut from the east side, so edge cells have
 * fewer neighbours than interior ones; outline densified so it stays straight in BNG.
 */
function notchedBoundary(): PolygonGeometry {
  const e0 = 530000;
  const n0 = 180000;
  const size = 250;
  const outline: [number, number][] = [
    [0, 0], [30, 0], [30, 10], [25, 10], [25, 18], [30, 18], [30, 30], [0, 30],
  ];
  const ring: Position[] = [];
  for (let k = 0; k < outline.length; k++) {
    const [ax, ay] = outline[k] as [number, number];
    const [bx, by] = outline[(k + 1) % outline.length] as [number, number];
    for (let s = 0; s < 10; s++) ring.push(fromBng(e0 + (ax + ((bx - ax) * s) / 10) * size, n0 + (ay + ((by - ay) * s) / 10) * size));
  }
  ring.push(ring[0] as Position);
  return { type: 'Polygon', coordinates: [ring] };
}

/** Seeded counts 0–4 with a cluster of 15–24 within two cells' distance of the given centre. */
function seededValues(grid: Grid, centreE: number, centreN: number): number[] {
  let seed = 20240501;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  return grid.cells.map((c) => {
    const base = Math.floor(random() * 5);
    const d2 = ((c.easting - centreE) ** 2 + (c.northing - centreN) ** 2) / grid.cellSize ** 2;
    return d2 <= 4 ? base + 15 + Math.floor(random() * 10) : base;
  });
}

async function cityOfLondon(): Promise<{ boundary: PolygonGeometry | MultiPolygonGeometry; coords: Float64Array }> {
  const [city] = await readBoundaries(join(dataDir, 'boundaries/london-boroughs.geojson'), {
    type: 'lad',
    filter: { property: 'LAD22CD', values: ['E09000001'] },
  });
  expect(city?.geometry).toBeTruthy();
  const folder = join(dataDir, 'police-uk/city-of-london');
  const coords: number[] = [];
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.csv'))) {
    const rows = parse(readFileSync(join(folder, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    for (const row of rows) {
      if (!row.Longitude || !row.Latitude) continue;
      coords.push(...toBng(Number(row.Longitude), Number(row.Latitude)));
    }
  }
  return { boundary: city!.geometry!, coords: Float64Array.from(coords) };
}

describe.skipIf(!hasR)(`Gi* against R spdep::localG${hasR ? '' : ' (skipped: Rscript with spdep is not installed)'}`, () => {
  it('agrees on a seeded 30×30 grid with a planted cluster and an irregular edge', () => {
    const grid = buildGrid({ boundary: [notchedBoundary()], cellSize: 250 });
    expect(grid.cells).toHaveLength(900 - 40);
    // Cluster around cell (8, 20).
    const values = seededValues(grid, 530000 + 8.5 * 250, 180000 + 20.5 * 250);
    compare(grid, values, 'seeded');
    expect(giStar(grid, values)[grid.cellIndex[20 * grid.cols + 8] as number]?.class).toBe('hot-99');
  });

  it('agrees on hexagons over the same notched boundary, with our neighbour list and with R\'s own', () => {
    const grid = buildGrid({ boundary: [notchedBoundary()], cellSize: 250, shape: 'hex' });
    expect(grid.shape).toBe('hex');
    // Roughly the square grid's area over a hexagon's (√3/2 of a square).
    expect(grid.cells.length).toBeGreaterThan(950);
    expect(grid.cells.length).toBeLessThan(1050);
    const centreE = 530000 + 8.5 * 250;
    const centreN = 180000 + 20.5 * 250;
    const values = seededValues(grid, centreE, centreN);
    compare(grid, values, 'seeded-hex');
    expect(giStar(grid, values)[cellAt(grid, centreE, centreN)]?.class).toBe('hot-99');
  });

  describe.skipIf(!hasData)(`on real City of London data${hasData ? '' : ' (skipped: ../shared/data is not present)'}`, () => {
    it('agrees on police.uk street crime counted into a 250 m grid over the City', async () => {
      const { boundary, coords } = await cityOfLondon();
      const grid = buildGrid({ boundary: [boundary], cellSize: 250 });
      const { counts, outside } = countIntoGrid(grid, coords);
      expect(counts.reduce((a, b) => a + b, 0) + outside).toBe(coords.length / 2);
      expect(grid.cells.length).toBeGreaterThan(20);
      compare(grid, counts, 'city-of-london');
    });

    it('agrees on the same crimes counted into 250 m hexagons over the City', async () => {
      const { boundary, coords } = await cityOfLondon();
      const grid = buildGrid({ boundary: [boundary], cellSize: 250, shape: 'hex' });
      const { counts, outside } = countIntoGrid(grid, coords);
      expect(counts.reduce((a, b) => a + b, 0) + outside).toBe(coords.length / 2);
      expect(grid.cells.length).toBeGreaterThan(20);
      compare(grid, counts, 'city-of-london-hex');
    });
  });
});
