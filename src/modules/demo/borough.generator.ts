/**
 * The synthetic borough "Kingsbridge (synthetic)": geography, population, deprivation and a
 * night-time economy, generated from a seed. Every other demo generator draws its places
 * from here, so police, A&E and council data describe the same streets.
 *
 * The LSOAs are a jittered grid of cells sharing vertices (and shared, bent edge midpoints),
 * so they tile the borough exactly: no gaps, no overlaps, and the borough outline is the
 * union traced from the edges that only one cell uses.
 */
import { createRandom, type Random, type Seed } from './random.ts';
import {
  inBBox,
  locateInRing,
  randomPointInRing,
  ringBBox,
  ringCentroid,
  round6,
  signedArea,
  type BBox,
  type LonLat,
  type Ring,
} from './geometry.ts';

export const BOROUGH_PLACE = 'Kingsbridge';
export const LAD_CODE = 'E09990001';
export const LAD_NAME = 'Kingsbridge (synthetic)';
/** IMD 2019 ranks all 32,844 LSOAs in England; 1 is the most deprived. */
export const IMD_LSOA_COUNT = 32_844;
export const AGE_BANDS = ['0-15', '16-29', '30-44', '45-64', '65+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export type BandCounts = Record<AgeBand, number>;
export type Population = { persons: BandCounts; males: BandCounts; females: BandCounts; total: number };

export type Lsoa11 = {
  code: string;
  name: string;
  msoaCode: string;
  msoaName: string;
  wardCode: string;
  ring: Ring;
  bbox: BBox;
  centroid: LonLat;
  population: Population;
  imdRank: number;
  imdDecile: number;
  /** 0 (affluent) .. 1 (most deprived): the latent score the rank was drawn from; drives crime rates. */
  deprivation: number;
  /** 1 at the town centre, falling to ~0 at the edges. */
  centrality: number;
  /** One of the 2-3 LSOAs holding the night-time economy. */
  nightTimeEconomy: boolean;
  /** The 2021 LSOAs this one became: itself, or two new codes where it was split. */
  lsoa21Codes: string[];
  /** Codes of LSOAs sharing an edge. */
  neighbours: string[];
  grid: { col: number; row: number };
};

export type Lsoa21 = {
  code: string;
  name: string;
  msoaCode: string;
  msoaName: string;
  ring: Ring;
  bbox: BBox;
  lsoa11Code: string;
  change: 'unchanged' | 'split';
};

export type Ward = { code: string; name: string; lsoa11Codes: string[] };
export type Msoa = { code: string; name: string };

export type PremisesKind = 'pub' | 'bar' | 'nightclub';
export type LicensedPremises = {
  id: string;
  name: string;
  kind: PremisesKind;
  /** Street address without postcode, e.g. "14 Market Street, Kingsbridge". */
  address: string;
  street: string;
  postcode: string;
  lon: number;
  lat: number;
  licensedHours: string;
  lsoa11Code: string;
  /** Relative share of night-time violence: a few venues produce most injuries (the Cardiff Model finding). */
  violenceWeight: number;
  /** How people name the venue in free text (A&E location descriptions), misspellings included. */
  aliases: string[];
  /** Free-text descriptions of the street just outside the venue. */
  outsideAliases: string[];
  snapPointId: string;
};

/** What kind of place a snap point is; the crime mix depends on it (shoplifting needs shops). */
export type SnapKind = 'street' | 'retail' | 'nte' | 'parking' | 'park' | 'transport' | 'education' | 'petrol' | 'civic';

/** A police.uk anonymisation point: crimes are published at the nearest one, "On or near <name>". */
export type SnapPoint = {
  id: string;
  lon: number;
  lat: number;
  /** What follows "On or near ". */
  name: string;
  kind: SnapKind;
  /** Street name for free-text locations (council ASB); equals `name` for street points. */
  street: string;
  lsoa11Code: string;
  lsoa21Code: string;
  /** Persistent local attractiveness (some corners always see more trouble). */
  hotness: number;
};

/** A snap point just over the border: forces publish some crimes located in a neighbour's area. */
export type OutsideSnapPoint = { id: string; lon: number; lat: number; name: string; lsoaCode: string; lsoaName: string };

export type Borough = {
  seed: Seed;
  place: string;
  lad: { code: string; name: string; ring: Ring; bbox: BBox };
  wards: Ward[];
  msoas: Msoa[];
  lsoa11: Lsoa11[];
  lsoa21: Lsoa21[];
  premises: LicensedPremises[];
  snapPoints: SnapPoint[];
  outsideSnapPoints: OutsideSnapPoint[];
  centre: LonLat;
};

// ---------------------------------------------------------------------------------------
// Fixed shape parameters. The mask is fixed (101 LSOAs whatever the seed); the seed moves
// vertices, populations, names and premises.
// ---------------------------------------------------------------------------------------
const COLS = 11;
const ROWS = 11;
const CELL_M = 620;
const CENTRE_LON = -1.2;
const CENTRE_LAT = 52.9;
const M_PER_DEG_LAT = 111_132;
const M_PER_DEG_LON = 111_320 * Math.cos((CENTRE_LAT * Math.PI) / 180);
/** Below 0.25 of a cell every quadrilateral stays convex, so the tiling can never fold. */
const VERTEX_JITTER = 0.22;
const MIDPOINT_JITTER = 0.07;
const CENTRE_CELL = { col: 5, row: 6 };
const NTE_CELLS = [
  { col: 5, row: 6 },
  { col: 6, row: 6 },
  { col: 5, row: 5 },
];
/** Two post-war estates: deprivation pockets away from the centre. */
const ESTATES = [
  { col: 2.2, row: 2.6, sigma: 1.3, weight: 0.75 },
  { col: 8.6, row: 8.2, sigma: 1.05, weight: 0.65 },
];
const WARD_COUNT = 12;
const MSOA_COUNT = 20;
const SPLIT_COUNT = 4;

function inMask(col: number, row: number): boolean {
  const x = (col + 0.5 - COLS / 2) / 5.9;
  const y = (row + 0.5 - ROWS / 2) / 5.5;
  return x * x + y * y <= 1;
}

const gauss = (dc: number, dr: number, sigma: number): number => Math.exp(-(dc * dc + dr * dr) / (2 * sigma * sigma));

const cellKey = (col: number, row: number): string => `${col}:${row}`;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

type Cell = {
  col: number;
  row: number;
  key: string;
  ring: Ring;
  /** Vertex keys of the ring (closed), for tracing the outline. */
  ringKeys: string[];
};

// ---------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------

type VertexStore = { pos: Map<string, LonLat> };

function buildVertices(rng: Random): VertexStore {
  const lon0 = CENTRE_LON - (COLS / 2) * (CELL_M / M_PER_DEG_LON);
  const lat0 = CENTRE_LAT - (ROWS / 2) * (CELL_M / M_PER_DEG_LAT);
  const toLonLat = (x: number, y: number): LonLat => [
    round6(lon0 + (x * CELL_M) / M_PER_DEG_LON),
    round6(lat0 + (y * CELL_M) / M_PER_DEG_LAT),
  ];
  const pos = new Map<string, LonLat>();
  const corner = new Map<string, [number, number]>();
  for (let j = 0; j <= ROWS; j++) {
    for (let i = 0; i <= COLS; i++) {
      const x = i + rng.uniform(-VERTEX_JITTER, VERTEX_JITTER);
      const y = j + rng.uniform(-VERTEX_JITTER, VERTEX_JITTER);
      corner.set(`v${i}:${j}`, [x, y]);
      pos.set(`v${i}:${j}`, toLonLat(x, y));
    }
  }
  // Edge midpoints bent sideways: real boundaries are not straight, and shared midpoints keep the tiling exact.
  for (let j = 0; j <= ROWS; j++) {
    for (let i = 0; i < COLS; i++) {
      const [x1, y1] = corner.get(`v${i}:${j}`)!;
      const [x2, y2] = corner.get(`v${i + 1}:${j}`)!;
      const x = (x1 + x2) / 2 + rng.uniform(-0.04, 0.04);
      const y = (y1 + y2) / 2 + rng.uniform(-MIDPOINT_JITTER, MIDPOINT_JITTER);
      pos.set(`h${i}:${j}`, toLonLat(x, y));
    }
  }
  for (let j = 0; j < ROWS; j++) {
    for (let i = 0; i <= COLS; i++) {
      const [x1, y1] = corner.get(`v${i}:${j}`)!;
      const [x2, y2] = corner.get(`v${i}:${j + 1}`)!;
      const x = (x1 + x2) / 2 + rng.uniform(-MIDPOINT_JITTER, MIDPOINT_JITTER);
      const y = (y1 + y2) / 2 + rng.uniform(-0.04, 0.04);
      pos.set(`m${i}:${j}`, toLonLat(x, y));
    }
  }
  return { pos };
}

function ringFromKeys(store: VertexStore, keys: string[]): Ring {
  return keys.map((k) => {
    const p = store.pos.get(k);
    if (!p) throw new Error(`missing vertex ${k}`);
    return [p[0], p[1]] as LonLat;
  });
}

function buildCell(store: VertexStore, col: number, row: number): Cell {
  const i = col;
  const j = row;
  // Anticlockwise from the south-west corner (x east, y north).
  const ringKeys = [
    `v${i}:${j}`,
    `h${i}:${j}`,
    `v${i + 1}:${j}`,
    `m${i + 1}:${j}`,
    `v${i + 1}:${j + 1}`,
    `h${i}:${j + 1}`,
    `v${i}:${j + 1}`,
    `m${i}:${j}`,
    `v${i}:${j}`,
  ];
  return { col, row, key: cellKey(col, row), ring: ringFromKeys(store, ringKeys), ringKeys };
}

/** Splits a cell along the line joining its south and north edge midpoints (both already shared vertices). */
function splitCell(store: VertexStore, cell: Cell): { west: Ring; east: Ring } {
  const i = cell.col;
  const j = cell.row;
  const west = [`v${i}:${j}`, `h${i}:${j}`, `h${i}:${j + 1}`, `v${i}:${j + 1}`, `m${i}:${j}`, `v${i}:${j}`];
  const east = [`h${i}:${j}`, `v${i + 1}:${j}`, `m${i + 1}:${j}`, `v${i + 1}:${j + 1}`, `h${i}:${j + 1}`, `h${i}:${j}`];
  return { west: ringFromKeys(store, west), east: ringFromKeys(store, east) };
}

/**
 * The union of the cells as one ring: directed edges whose reverse no other cell uses are
 * the outline. Requires a simply connected mask with no diagonal pinches (checked).
 */
function traceOutline(store: VertexStore, cells: Cell[]): Ring {
  const edges = new Set<string>();
  for (const c of cells) for (let k = 0; k + 1 < c.ringKeys.length; k++) edges.add(`${c.ringKeys[k]}>${c.ringKeys[k + 1]}`);
  const next = new Map<string, string>();
  for (const e of edges) {
    const [a, b] = e.split('>') as [string, string];
    if (edges.has(`${b}>${a}`)) continue;
    if (next.has(a)) throw new Error(`borough outline pinches at ${a}`);
    next.set(a, b);
  }
  const start = [...next.keys()].sort()[0]!;
  const keys = [start];
  let cur = next.get(start)!;
  while (cur !== start) {
    keys.push(cur);
    cur = next.get(cur)!;
    if (keys.length > next.size) throw new Error('borough outline does not close');
  }
  if (keys.length !== next.size) throw new Error('borough outline has holes or islands');
  keys.push(start);
  return ringFromKeys(store, keys);
}

// ---------------------------------------------------------------------------------------
// Grouping cells into wards and MSOAs
// ---------------------------------------------------------------------------------------

function gridNeighbours(cell: { col: number; row: number }, present: Set<string>): string[] {
  const out: string[] = [];
  for (const [dc, dr] of [
    [0, 1],
    [1, 0],
    [0, -1],
    [-1, 0],
  ] as const) {
    const k = cellKey(cell.col + dc, cell.row + dr);
    if (present.has(k)) out.push(k);
  }
  return out;
}

/**
 * Contiguous, roughly equal, compact regions: k-means centres (deterministic farthest-point
 * start) as seeds, then balanced growth where the smallest region takes its nearest free neighbour.
 */
function growRegions(cells: Cell[], count: number, present: Set<string>): Map<string, number> {
  const pts = cells.map((c) => ({ key: c.key, x: c.col, y: c.row }));
  const centres: { x: number; y: number }[] = [{ x: CENTRE_CELL.col, y: CENTRE_CELL.row }];
  while (centres.length < count) {
    let best = pts[0]!;
    let bestD = -1;
    for (const p of pts) {
      const d = Math.min(...centres.map((c) => (c.x - p.x) ** 2 + (c.y - p.y) ** 2));
      if (d > bestD) {
        bestD = d;
        best = p;
      }
    }
    centres.push({ x: best.x, y: best.y });
  }
  for (let iter = 0; iter < 12; iter++) {
    const sums = centres.map(() => ({ x: 0, y: 0, n: 0 }));
    for (const p of pts) {
      let bi = 0;
      let bd = Infinity;
      centres.forEach((c, i) => {
        const d = (c.x - p.x) ** 2 + (c.y - p.y) ** 2;
        if (d < bd) {
          bd = d;
          bi = i;
        }
      });
      const s = sums[bi]!;
      s.x += p.x;
      s.y += p.y;
      s.n++;
    }
    sums.forEach((s, i) => {
      if (s.n > 0) centres[i] = { x: s.x / s.n, y: s.y / s.n };
    });
  }
  const assigned = new Map<string, number>();
  const sizes = new Array<number>(count).fill(0);
  const used = new Set<string>();
  centres.forEach((c, i) => {
    let best: { key: string; d: number } | null = null;
    for (const p of pts) {
      if (used.has(p.key)) continue;
      const d = (c.x - p.x) ** 2 + (c.y - p.y) ** 2;
      if (!best || d < best.d) best = { key: p.key, d };
    }
    used.add(best!.key);
    assigned.set(best!.key, i);
    sizes[i] = 1;
  });
  const byKey = new Map(cells.map((c) => [c.key, c]));
  while (assigned.size < cells.length) {
    const order = sizes.map((s, i) => ({ s, i })).sort((a, b) => a.s - b.s || a.i - b.i);
    let grew = false;
    for (const { i } of order) {
      let best: { key: string; d: number } | null = null;
      for (const [k, r] of assigned) {
        if (r !== i) continue;
        for (const nk of gridNeighbours(byKey.get(k)!, present)) {
          if (assigned.has(nk)) continue;
          const n = byKey.get(nk)!;
          const d = (centres[i]!.x - n.col) ** 2 + (centres[i]!.y - n.row) ** 2;
          if (!best || d < best.d || (d === best.d && nk < best.key)) best = { key: nk, d };
        }
      }
      if (best) {
        assigned.set(best.key, i);
        sizes[i]!++;
        grew = true;
        break;
      }
    }
    if (!grew) throw new Error('region growth stalled');
  }
  return assigned;
}

function regionCentroids(cells: Cell[], assigned: Map<string, number>, count: number): { x: number; y: number }[] {
  const sums = Array.from({ length: count }, () => ({ x: 0, y: 0, n: 0 }));
  for (const c of cells) {
    const s = sums[assigned.get(c.key)!]!;
    s.x += c.col;
    s.y += c.row;
    s.n++;
  }
  return sums.map((s) => ({ x: s.x / s.n, y: s.y / s.n }));
}

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

/** Generic English town-centre names: the borough sits near Nottingham, so none of Nottingham's own. */
const CENTRAL_STREETS = [
  'High Street',
  'Market Place',
  'Bridge Street',
  'Castle Gate',
  'Church Street',
  'Corn Market',
  'Friar Lane',
  'Sheep Street',
  'Silver Street',
  'Swan Lane',
  'Butcher Row',
  'Cheapside',
  'Horse Fair',
  'Station Street',
  'Victoria Street',
  'Queen Street',
];

const STREET_PREFIXES = [
  'Mill', 'Station', 'Victoria', 'Albert', 'Park', "Queen's", "King's", 'Chapel', 'School', 'Orchard',
  'Willow', 'Beech', 'Elm', 'Ash', 'Oak', 'Cedar', 'Meadow', 'Priory', 'Abbey', 'Trent', 'Derwent',
  'Sherwood', 'Grange', 'Manor', 'Forest', 'Hawthorn', 'Cherry', 'Springfield', 'Greenwood', 'Lime',
  'Rosemary', 'Laburnum', 'Chestnut', 'Hazel', 'Holly', 'Windsor', 'Clarendon', 'Cromwell', 'Nelson',
  'Wellington', 'Tennyson', 'Byron', 'Milton', 'Shelley', 'Cavendish', 'Portland', 'Ruskin', 'Raleigh',
  'Brook', 'Lark', 'Swallow', 'Kestrel', 'Heron', 'Linden', 'Maple', 'Poplar', 'Rowan', 'Sycamore',
  'Thorn', 'Vicarage', 'Rectory', 'Canal', 'Wharf', 'Foundry', 'Tannery', 'Colliery', 'Pit', 'Furnace',
];
const STREET_SUFFIXES = [
  'Street', 'Road', 'Lane', 'Avenue', 'Close', 'Way', 'Drive', 'Grove', 'Crescent', 'Gardens', 'Walk', 'Terrace',
];

const POI_RESIDENTIAL: readonly (readonly [string, SnapKind, number])[] = [
  ['Parking Area', 'parking', 4],
  ['Supermarket', 'retail', 2],
  ['Park/Open Space', 'park', 3],
  ['Sports/Recreation Area', 'park', 2],
  ['Shopping Area', 'retail', 1.5],
  ['Petrol Station', 'petrol', 1],
  ['Further/Higher Educational Building', 'education', 0.4],
];
const POI_CENTRAL: readonly (readonly [string, SnapKind, number])[] = [
  ['Shopping Area', 'retail', 5],
  ['Supermarket', 'retail', 2],
  ['Parking Area', 'parking', 3],
  ['Theatre/Concert Hall', 'civic', 0.7],
  ['Conference/Exhibition Centre', 'civic', 0.4],
  ['Pedestrian Subway', 'street', 0.6],
];

const WARD_NAMES_OTHER = ['Abbey', 'Bridge', 'Castle', 'Hillside', 'Priory', 'Riverside', "St Anne's"];

type PremisesSeed = {
  name: string;
  kind: PremisesKind;
  /** Heavier venues: those Cardiff-style A&E data would flag. */
  weight: number;
  aliases?: string[];
  outside?: string[];
  /** Index into NTE_CELLS. */
  area: number;
};

const PREMISES: readonly PremisesSeed[] = [
  {
    name: 'Liquid Nightclub',
    kind: 'nightclub',
    weight: 10,
    area: 0,
    aliases: ['Liquid', 'liquid nightclub', 'LIQUID', 'Liquid night club', 'Liqiud', 'in liquid club', 'Liquid club'],
    outside: ['outside Liquid nightclub', 'street near Liquid', 'queue outside liquid', 'outside liquid', 'out side Liquid'],
  },
  {
    name: 'The Red Lion',
    kind: 'pub',
    weight: 7,
    area: 0,
    aliases: ['Red Lion', 'red lion', 'The Red Lion', 'RED LION PUB', 'red lion pub', 'Red Loin', 'redlion'],
    outside: ['outside red lion', 'outside the Red Lion pub', 'beer garden red lion'],
  },
  {
    name: 'Vodka Revolution',
    kind: 'bar',
    weight: 6,
    area: 1,
    aliases: ['Vodka Rev', 'Vodka Revolution', 'revs', 'Revolution bar', 'vodka revs', 'Vodka Revoloution', 'REVS'],
    outside: ['outside Revs', 'outside vodka rev', 'street near revs'],
  },
  {
    name: 'The Crown',
    kind: 'pub',
    weight: 5,
    area: 0,
    aliases: ['the crown pub', 'Crown', 'The Crown', 'crown PH', 'Crown pub', 'the crwon'],
    outside: ['outside the crown', 'car park behind crown', 'outside crown pub'],
  },
  {
    name: 'Halo Nightclub',
    kind: 'nightclub',
    weight: 4.5,
    area: 1,
    aliases: ['Halo', 'halo nightclub', 'HALO', 'Halo club', 'Hallo nightclub'],
    outside: ['outside Halo', 'smoking area halo', 'queue for halo'],
  },
  { name: 'The Kings Head', kind: 'pub', weight: 2.5, area: 0, aliases: ['Kings Head', "king's head", 'the kings head pub', 'Kings Hed'] },
  { name: 'The Vault', kind: 'nightclub', weight: 2.5, area: 2, aliases: ['The Vault', 'vault', 'the vault club', 'Vualt'] },
  { name: 'Bar Eleven', kind: 'bar', weight: 2, area: 1, aliases: ['Bar 11', 'bar eleven', 'Bar Eleven', 'bar11'] },
  { name: 'The White Hart', kind: 'pub', weight: 1.5, area: 0 },
  { name: 'Club Neon', kind: 'nightclub', weight: 1.8, area: 2, aliases: ['Neon', 'club neon', 'Neon nightclub', 'NEON'] },
  { name: 'The Bell Inn', kind: 'pub', weight: 0.8, area: 2 },
  { name: 'The Old Market Tavern', kind: 'pub', weight: 1, area: 0, aliases: ['Old Market Tavern', 'market tavern', 'the tavern'] },
  { name: 'The Wheatsheaf', kind: 'pub', weight: 0.6, area: 2 },
  { name: 'The Royal Oak', kind: 'pub', weight: 0.6, area: 1 },
  { name: 'The Black Horse', kind: 'pub', weight: 0.9, area: 0 },
  { name: 'The Castle', kind: 'pub', weight: 0.7, area: 0 },
  { name: 'The Plough', kind: 'pub', weight: 0.4, area: 2 },
  { name: 'The Bridge Inn', kind: 'pub', weight: 0.5, area: 1 },
  { name: 'The Greyhound', kind: 'pub', weight: 0.5, area: 2 },
  { name: 'The George', kind: 'pub', weight: 0.4, area: 0 },
  { name: "Lola's Cocktail Bar", kind: 'bar', weight: 0.7, area: 1, aliases: ['Lolas', "Lola's", 'lolas cocktail bar'] },
  { name: 'The Gin Yard', kind: 'bar', weight: 0.5, area: 1 },
  { name: 'Copper Bar', kind: 'bar', weight: 0.6, area: 0 },
  { name: 'Kingsbridge Tap', kind: 'bar', weight: 0.4, area: 1 },
  { name: 'Sanctuary Bar', kind: 'bar', weight: 0.8, area: 0 },
];

const LICENSED_HOURS: Record<PremisesKind, string[]> = {
  pub: [
    'Mon-Thu 11:00-23:00; Fri-Sat 11:00-01:00; Sun 12:00-22:30',
    'Mon-Sun 11:00-23:30',
    'Mon-Thu 12:00-23:00; Fri-Sat 12:00-00:30; Sun 12:00-23:00',
  ],
  bar: ['Mon-Wed 12:00-00:00; Thu-Sat 12:00-02:00; Sun 12:00-00:00', 'Mon-Sun 12:00-02:00', 'Tue-Thu 16:00-00:00; Fri-Sat 12:00-03:00'],
  nightclub: ['Thu 22:00-03:00; Fri-Sat 22:00-04:00', 'Wed 22:00-02:00; Fri-Sat 22:00-04:00', 'Fri-Sat 22:00-04:00'],
};

/** Letters allowed in the last two characters of a UK postcode. */
const POSTCODE_UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** Lower-case and one adjacent-letter swap: the kind of typing found in A&E free text. */
function genericAliases(rng: Random, name: string, kind: PremisesKind): { aliases: string[]; outside: string[] } {
  const bare = name.replace(/^The /, '');
  const suffix = kind === 'pub' ? ' pub' : kind === 'bar' ? ' bar' : ' club';
  const swapAt = rng.int(1, Math.max(1, bare.length - 3));
  const typo = bare.slice(0, swapAt) + (bare[swapAt + 1] ?? '') + (bare[swapAt] ?? '') + bare.slice(swapAt + 2);
  const aliases = [bare, bare.toLowerCase(), name, `${bare.toLowerCase()}${suffix}`, typo];
  const outside = [`outside ${bare.toLowerCase()}`, `street outside ${bare}`];
  return { aliases, outside };
}

// ---------------------------------------------------------------------------------------
// Population and deprivation
// ---------------------------------------------------------------------------------------

function largestRemainder(total: number, shares: number[]): number[] {
  const raw = shares.map((s) => s * total);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ f: r - Math.floor(r), i })).sort((a, b) => b.f - a.f || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) out[order[k % order.length]!.i]!++;
  return out;
}

function makePopulation(rng: Random, total: number, deprivation: number, centrality: number): Population {
  const base = [0.18, 0.17, 0.21, 0.26, 0.18];
  const dep = [0.04, 0.04, 0.01, -0.04, -0.05];
  const cen = [-0.05, 0.13, 0.03, -0.04, -0.07];
  const shares = base.map((b, i) => Math.max(0.03, b + deprivation * dep[i]! + centrality * cen[i]! + rng.normal(0, 0.01)));
  const sum = shares.reduce((a, b) => a + b, 0);
  const persons = largestRemainder(
    total,
    shares.map((s) => s / sum),
  );
  const maleShare = [0.512, 0.505, 0.496, 0.49, 0.44];
  const males = persons.map((p, i) => Math.max(0, Math.min(p, Math.round(p * (maleShare[i]! + rng.normal(0, 0.015))))));
  const females = persons.map((p, i) => p - males[i]!);
  const toBands = (xs: number[]): BandCounts =>
    Object.fromEntries(AGE_BANDS.map((b, i) => [b, xs[i]!])) as BandCounts;
  return { persons: toBands(persons), males: toBands(males), females: toBands(females), total };
}

// ---------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------

export function generateBorough(seed: Seed): Borough {
  const root = createRandom(seed);
  const store = buildVertices(root.fork('vertices'));

  const cells: Cell[] = [];
  for (let row = ROWS - 1; row >= 0; row--) {
    for (let col = 0; col < COLS; col++) if (inMask(col, row)) cells.push(buildCell(store, col, row));
  }
  const present = new Set(cells.map((c) => c.key));
  const cellByKey = new Map(cells.map((c) => [c.key, c]));
  const ladRing = traceOutline(store, cells);

  // Latent deprivation and centrality per cell.
  const depRng = root.fork('deprivation');
  const latent = new Map<string, { deprivation: number; centrality: number }>();
  for (const c of cells) {
    const dc = c.col - CENTRE_CELL.col;
    const dr = c.row - CENTRE_CELL.row;
    let d = 0.08 + 0.92 * gauss(dc, dr, 1.5);
    for (const e of ESTATES) d += e.weight * gauss(c.col - e.col, c.row - e.row, e.sigma);
    d += depRng.normal(0, 0.05);
    latent.set(c.key, { deprivation: Math.min(0.99, Math.max(0.01, d)), centrality: gauss(dc, dr, 1.2) });
  }

  // Wards and MSOAs.
  const wardOf = growRegions(cells, WARD_COUNT, present);
  const msoaOf = growRegions(cells, MSOA_COUNT, present);

  const wardCentroids = regionCentroids(cells, wardOf, WARD_COUNT);
  const wardNames = new Array<string>(WARD_COUNT);
  const centreWard = wardOf.get(cellKey(CENTRE_CELL.col, CENTRE_CELL.row))!;
  wardNames[centreWard] = 'Market';
  const free = (): number[] => wardCentroids.map((_, i) => i).filter((i) => wardNames[i] === undefined);
  const takeBy = (name: string, score: (c: { x: number; y: number }) => number): void => {
    const best = free().sort((a, b) => score(wardCentroids[b]!) - score(wardCentroids[a]!) || a - b)[0]!;
    wardNames[best] = name;
  };
  takeBy('Northgate', (c) => c.y);
  takeBy('Meadows', (c) => -c.y);
  takeBy('Eastfield', (c) => c.x);
  takeBy('Westbrook', (c) => -c.x);
  const rest = free().sort((a, b) => wardCentroids[b]!.y - wardCentroids[a]!.y || wardCentroids[a]!.x - wardCentroids[b]!.x);
  rest.forEach((i, k) => (wardNames[i] = WARD_NAMES_OTHER[k]!));
  const wardOrder = wardNames.map((n, i) => ({ n, i })).sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  const wardCode = new Map<number, string>();
  wardOrder.forEach(({ i }, k) => wardCode.set(i, `E0599${pad(k + 1, 4)}`));

  // MSOAs numbered north to south, as ONS numbers them within a district.
  const msoaCentroids = regionCentroids(cells, msoaOf, MSOA_COUNT);
  const msoaOrder = msoaCentroids
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.y - a.c.y || a.c.x - b.c.x || a.i - b.i);
  const msoaNumber = new Map<number, number>();
  msoaOrder.forEach(({ i }, k) => msoaNumber.set(i, k + 1));
  const msoas: Msoa[] = msoaOrder.map((_, k) => ({ code: `E0299${pad(k + 1, 4)}`, name: `${BOROUGH_PLACE} ${pad(k + 1, 3)}` }));

  // LSOA letters within each MSOA, then codes in name order.
  const lettersUsed = new Map<number, number>();
  type Draft = { cell: Cell; msoaNo: number; letter: string };
  const drafts: Draft[] = [];
  for (const c of cells) {
    const m = msoaNumber.get(msoaOf.get(c.key)!)!;
    const n = lettersUsed.get(m) ?? 0;
    lettersUsed.set(m, n + 1);
    drafts.push({ cell: c, msoaNo: m, letter: String.fromCharCode(65 + n) });
  }
  drafts.sort((a, b) => a.msoaNo - b.msoaNo || (a.letter < b.letter ? -1 : 1));

  // Which LSOAs grew enough by 2021 to be split: never the town centre, whose shape the NTE relies on.
  const splitRng = root.fork('splits');
  const nteKeys = new Set(NTE_CELLS.map((c) => cellKey(c.col, c.row)));
  const splittable = drafts.filter((d) => !nteKeys.has(d.cell.key));
  const splitKeys = new Set(splitRng.shuffle(splittable).slice(0, SPLIT_COUNT).map((d) => d.cell.key));

  const popRng = root.fork('population');
  const lsoa11: Lsoa11[] = [];
  const codeOfCell = new Map<string, string>();
  drafts.forEach((d, k) => codeOfCell.set(d.cell.key, `E0199${pad(k + 1, 4)}`));
  for (const d of drafts) {
    const { deprivation, centrality } = latent.get(d.cell.key)!;
    const msoa = msoas[d.msoaNo - 1]!;
    const total = splitKeys.has(d.cell.key)
      ? popRng.int(2650, 2980)
      : Math.round(Math.min(2450, Math.max(1250, popRng.normal(1600 + 250 * deprivation, 220))));
    lsoa11.push({
      code: codeOfCell.get(d.cell.key)!,
      name: `${msoa.name}${d.letter}`,
      msoaCode: msoa.code,
      msoaName: msoa.name,
      wardCode: wardCode.get(wardOf.get(d.cell.key)!)!,
      ring: d.cell.ring,
      bbox: ringBBox(d.cell.ring),
      centroid: ringCentroid(d.cell.ring).map(round6) as LonLat,
      population: makePopulation(popRng, total, deprivation, centrality),
      imdRank: 0,
      imdDecile: 0,
      deprivation,
      centrality,
      nightTimeEconomy: nteKeys.has(d.cell.key),
      lsoa21Codes: [],
      neighbours: gridNeighbours(d.cell, present).map((k) => codeOfCell.get(k)!),
      grid: { col: d.cell.col, row: d.cell.row },
    });
  }

  // IMD ranks: national ranks implied by the latent score, made unique as real ranks are.
  const rankRng = root.fork('imd');
  const wanted = lsoa11.map((l) => ({
    l,
    r: Math.round(1 + Math.pow(1 - l.deprivation, 1.15) * (IMD_LSOA_COUNT - 1) + rankRng.normal(0, 300)),
  }));
  wanted.sort((a, b) => a.r - b.r || (a.l.code < b.l.code ? -1 : 1));
  let prev = 0;
  for (const w of wanted) {
    const r = Math.min(IMD_LSOA_COUNT, Math.max(prev + 1, w.r));
    w.l.imdRank = r;
    w.l.imdDecile = Math.min(10, Math.floor(((r - 1) * 10) / IMD_LSOA_COUNT) + 1);
    prev = r;
  }

  // 2021 vintage: unchanged codes, except split LSOAs which get two new codes and the next free letters.
  const lsoa21: Lsoa21[] = [];
  let splitSeq = 0;
  for (const l of lsoa11) {
    const cell = cellByKey.get(cellKey(l.grid.col, l.grid.row))!;
    if (!splitKeys.has(cell.key)) {
      l.lsoa21Codes = [l.code];
      const { code, name, msoaCode, msoaName, ring, bbox } = l;
      lsoa21.push({ code, name, msoaCode, msoaName, ring, bbox, lsoa11Code: code, change: 'unchanged' });
      continue;
    }
    const halves = splitCell(store, cell);
    const msoaNo = Number(l.msoaName.slice(-3));
    for (const ring of [halves.west, halves.east]) {
      const n = lettersUsed.get(msoaNo)!;
      lettersUsed.set(msoaNo, n + 1);
      splitSeq++;
      const code = `E0199${pad(5000 + splitSeq, 4)}`;
      l.lsoa21Codes.push(code);
      lsoa21.push({
        code,
        name: `${l.msoaName}${String.fromCharCode(65 + n)}`,
        msoaCode: l.msoaCode,
        msoaName: l.msoaName,
        ring,
        bbox: ringBBox(ring),
        lsoa11Code: l.code,
        change: 'split',
      });
    }
  }
  lsoa21.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const wards: Ward[] = wardOrder.map(({ n, i }) => ({
    code: wardCode.get(i)!,
    name: n,
    lsoa11Codes: lsoa11.filter((l) => l.wardCode === wardCode.get(i)).map((l) => l.code),
  }));

  const byGrid = new Map(lsoa11.map((l) => [cellKey(l.grid.col, l.grid.row), l]));
  const nteLsoas = NTE_CELLS.map((c) => byGrid.get(cellKey(c.col, c.row))!);
  const centreLsoa = nteLsoas[0]!;

  const lsoa21For = (l: Lsoa11, lon: number, lat: number): string | null => {
    if (l.lsoa21Codes.length === 1) return l.lsoa21Codes[0]!;
    for (const code of l.lsoa21Codes) {
      const p = lsoa21.find((x) => x.code === code)!;
      if (locateInRing(p.ring, lon, lat) === 'inside') return code;
    }
    return null;
  };

  // Street names per LSOA.
  const streetRng = root.fork('streets');
  const pool = streetRng.shuffle(STREET_PREFIXES.flatMap((p) => STREET_SUFFIXES.map((s) => `${p} ${s}`)));
  let poolAt = 0;
  const streetsOf = new Map<string, string[]>();
  for (const l of lsoa11) {
    if (l.nightTimeEconomy || l.centrality > 0.45) {
      streetsOf.set(l.code, streetRng.shuffle(CENTRAL_STREETS).slice(0, 6));
    } else {
      const n = streetRng.int(3, 6);
      streetsOf.set(l.code, pool.slice(poolAt, poolAt + n));
      poolAt += n;
    }
  }

  // Snap points.
  const snapRng = root.fork('snap');
  const snapPoints: SnapPoint[] = [];
  const addSnap = (l: Lsoa11, name: string, kind: SnapKind, street: string, at?: LonLat): SnapPoint => {
    for (;;) {
      const [lon, lat] = at ?? randomPointInRing(snapRng, l.ring, l.bbox);
      const code21 = lsoa21For(l, lon, lat);
      if (code21 === null || locateInRing(l.ring, lon, lat) !== 'inside') {
        if (at) throw new Error('fixed snap point not inside its LSOA');
        continue;
      }
      const sp: SnapPoint = {
        id: `sp${pad(snapPoints.length + 1, 5)}`,
        lon,
        lat,
        name,
        kind,
        street,
        lsoa11Code: l.code,
        lsoa21Code: code21,
        hotness: snapRng.logNormal(1, 0.6),
      };
      snapPoints.push(sp);
      return sp;
    }
  };
  let hasBusStation = false;
  let hasPoliceStation = false;
  let hasHospital = false;
  for (const l of lsoa11) {
    const popK = l.population.total / 1600;
    const n = Math.round(5 + 4 * popK + 16 * l.centrality + (l.nightTimeEconomy ? 6 : 0));
    const own = streetsOf.get(l.code)!;
    const central = l.centrality > 0.45;
    for (let k = 0; k < n; k++) {
      const neighbourStreets = l.neighbours.flatMap((c) => streetsOf.get(c) ?? []);
      const street =
        neighbourStreets.length > 0 && snapRng.chance(0.2) ? snapRng.pick(neighbourStreets) : snapRng.pick(own);
      if (snapRng.chance(central ? 0.3 : 0.22)) {
        const [name, kind] = snapRng.weighted((central ? POI_CENTRAL : POI_RESIDENTIAL).map((p) => [[p[0], p[1]] as const, p[2]] as const));
        addSnap(l, name, kind, street);
      } else {
        addSnap(l, street, 'street', street);
      }
    }
    if (central && !hasBusStation) {
      addSnap(l, 'Bus/Coach Station', 'transport', 'Station Street');
      hasBusStation = true;
    } else if (central && !hasPoliceStation) {
      addSnap(l, 'Police Station', 'civic', own[0]!);
      hasPoliceStation = true;
    } else if (!central && !hasHospital && l.population.persons['65+'] > 300) {
      addSnap(l, 'Hospital', 'civic', own[0]!);
      hasHospital = true;
    }
  }

  // Licensed premises, each with its own snap point at the door.
  const premRng = root.fork('premises');
  const premises: LicensedPremises[] = [];
  PREMISES.forEach((p, idx) => {
    const l = nteLsoas[p.area]!;
    const streets = streetsOf.get(l.code)!;
    const street = premRng.pick(streets.slice(0, 4));
    // The door and its snap point (a few metres away) must both lie in the same LSOA.
    let lon = 0;
    let lat = 0;
    let door: LonLat = [0, 0];
    do {
      [lon, lat] = randomPointInRing(premRng, l.ring, l.bbox);
      door = [round6(lon + premRng.uniform(-0.0002, 0.0002)), round6(lat + premRng.uniform(-0.00012, 0.00012))];
    } while (locateInRing(l.ring, door[0], door[1]) !== 'inside' || lsoa21For(l, door[0], door[1]) === null);
    const generic = genericAliases(premRng, p.name, p.kind);
    const sp = addSnap(l, p.kind === 'nightclub' ? 'Nightclub' : street, 'nte', street, door);
    premises.push({
      id: `lp${pad(idx + 1, 3)}`,
      name: p.name,
      kind: p.kind,
      address: `${premRng.int(1, 120)} ${street}, ${BOROUGH_PLACE}`,
      street,
      postcode: `KB1 ${p.area + 1}${premRng.pick([...POSTCODE_UNIT_LETTERS])}${premRng.pick([...POSTCODE_UNIT_LETTERS])}`,
      lon,
      lat,
      licensedHours: premRng.pick(LICENSED_HOURS[p.kind]),
      lsoa11Code: l.code,
      violenceWeight: p.weight,
      aliases: p.aliases ?? generic.aliases,
      outsideAliases: p.outside ?? generic.outside,
      snapPointId: sp.id,
    });
  });

  // A ring of points over the border, for rows a force publishes in its neighbours' areas.
  const outRng = root.fork('outside');
  const ladBBox = ringBBox(ladRing);
  const outsideSnapPoints: OutsideSnapPoint[] = [];
  const neighbourPlaces = ['Wolds Vale', 'Ashby Fields'];
  const cx = (ladBBox.minLon + ladBBox.maxLon) / 2;
  const cy = (ladBBox.minLat + ladBBox.maxLat) / 2;
  const rx = (ladBBox.maxLon - ladBBox.minLon) / 2;
  const ry = (ladBBox.maxLat - ladBBox.minLat) / 2;
  while (outsideSnapPoints.length < 10) {
    const theta = outRng.uniform(0, 2 * Math.PI);
    const grow = outRng.uniform(1.08, 1.35);
    const lon = round6(cx + rx * grow * Math.cos(theta));
    const lat = round6(cy + ry * grow * Math.sin(theta));
    if (locateInRing(ladRing, lon, lat) !== 'outside') continue;
    const k = outsideSnapPoints.length + 1;
    const place = neighbourPlaces[lon > cx ? 0 : 1]!;
    outsideSnapPoints.push({
      id: `out${pad(k, 2)}`,
      lon,
      lat,
      name: `${outRng.pick(STREET_PREFIXES)} ${outRng.pick(STREET_SUFFIXES)}`,
      lsoaCode: `E0199${pad(8000 + k, 4)}`,
      lsoaName: `${place} ${pad(10 + k, 3)}${String.fromCharCode(65 + outRng.int(0, 4))}`,
    });
  }

  if (signedArea(ladRing) <= 0) throw new Error('borough outline is not anticlockwise');

  return {
    seed,
    place: BOROUGH_PLACE,
    lad: { code: LAD_CODE, name: LAD_NAME, ring: ladRing, bbox: ladBBox },
    wards,
    msoas,
    lsoa11,
    lsoa21,
    premises,
    snapPoints,
    outsideSnapPoints,
    centre: centreLsoa.centroid,
  };
}

/** The LSOA (of either vintage) containing a point, or null outside the borough or exactly on a boundary. */
export function findLsoaAt<T extends { code: string; ring: Ring; bbox: BBox }>(areas: readonly T[], lon: number, lat: number): T | null {
  for (const a of areas) {
    if (!inBBox(a.bbox, lon, lat)) continue;
    if (locateInRing(a.ring, lon, lat) === 'inside') return a;
  }
  return null;
}
