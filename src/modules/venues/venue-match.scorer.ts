/**
 * How sure a match between an A&E location description and a licensed premises is, and
 * what to do with it. Trigram scores come from PostgreSQL (pg_trgm); edit distance is
 * added here because trigrams undervalue the commonest typing error in short names, two
 * letters swapped: "crwon" shares only 2 of 10 trigrams with "crown" (similarity 0.2),
 * but is one transposition away.
 */

/** Auto-accept at or above this score… */
export const AUTO_ACCEPT_SCORE = 0.85;
/** …when the runner-up (another premises) is at least this far behind. */
export const AUTO_ACCEPT_MARGIN = 0.15;
/** Below this the description is recorded as matching no premises. */
export const REVIEW_FLOOR = 0.4;
/**
 * Edit distance is evidence only for near-identical texts: on short words it otherwise
 * rates unrelated texts highly ("town" is two edits from "crown").
 */
export const EDIT_FLOOR = 0.75;
/** A description found whole inside a longer name ("tavern" in "old market tavern") counts by how much of the name it covers. */
const WITHIN_BASE = 0.6;
/** A name found inside a longer description ("castle" in "castle gate") is never enough to accept on its own. */
const CONTAINS_WEIGHT = 0.7;
/** A street is not a venue, and a building changes hands: an address, even in full, only ever suggests a match to a person. */
const ADDRESS_WEIGHT = 0.8;

/** One premises as pg_trgm scored it against a normalised description. */
export type TrigramCandidate = {
  premisesId: number;
  name: string;
  nameNorm: string;
  /** similarity(description, name) */
  nameSimilarity: number;
  /** word_similarity(description, name): the description as a part of the name */
  descriptionInName: number;
  /** word_similarity(name, description): the name as a part of the description */
  nameInDescription: number;
  /** similarity(description, first line of the address) */
  addressSimilarity: number;
};

export type ScoredCandidate = { premisesId: number; score: number };
export type MatchDecision =
  | { status: 'matched'; premisesId: number; score: number; candidates: ScoredCandidate[] }
  | { status: 'review'; premisesId: null; score: number; candidates: ScoredCandidate[] }
  | { status: 'no-match'; premisesId: null; score: number; candidates: ScoredCandidate[] };

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours, each costing one. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prevPrev = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, prevPrev[j - 2]! + 1);
      row[j] = best;
    }
    [prevPrev, prev, row] = [prev, row, prevPrev];
  }
  return prev[b.length]!;
}

/** 1 for the same text, falling by each edit as a share of the longer text. */
export function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - editDistance(a, b) / longest;
}

const compact = (text: string) => text.replace(/ /g, '');

/**
 * The score of one premises for a description (0 to 1): the strongest of the kinds of
 * evidence, each weighted by how much it can be trusted on its own.
 */
export function scoreCandidate(descriptionNorm: string, candidate: TrigramCandidate, nameCompact: string): number {
  const edits = Math.max(
    editSimilarity(descriptionNorm, candidate.nameNorm),
    // Spaces typed in the wrong place ("redlion", "BlackH orse", "Sanctuar yBar").
    editSimilarity(compact(descriptionNorm), compact(candidate.nameNorm)),
    editSimilarity(compact(descriptionNorm), nameCompact),
  );
  const coverage = Math.min(1, descriptionNorm.length / Math.max(1, candidate.nameNorm.length));
  return Math.min(1, Math.max(
    candidate.nameSimilarity,
    edits >= EDIT_FLOOR ? edits : 0,
    candidate.descriptionInName * (WITHIN_BASE + (1 - WITHIN_BASE) * coverage),
    candidate.nameInDescription * CONTAINS_WEIGHT,
    candidate.addressSimilarity * ADDRESS_WEIGHT,
  ));
}

/**
 * Auto-accepts a clear best match (high score, clear margin over the runner-up), sends an
 * uncertain one to people, and records no match below the floor.
 */
export function decideMatch(scored: readonly ScoredCandidate[], keep = 5): MatchDecision {
  const ranked = [...scored].sort((a, b) => b.score - a.score || a.premisesId - b.premisesId).slice(0, keep);
  const best = ranked[0];
  const runnerUp = ranked[1]?.score ?? 0;
  if (!best || best.score < REVIEW_FLOOR) return { status: 'no-match', premisesId: null, score: best?.score ?? 0, candidates: ranked.filter((c) => c.score > 0) };
  const candidates = ranked.filter((c) => c.score >= REVIEW_FLOOR);
  if (best.score >= AUTO_ACCEPT_SCORE && best.score - runnerUp >= AUTO_ACCEPT_MARGIN) {
    return { status: 'matched', premisesId: best.premisesId, score: best.score, candidates };
  }
  return { status: 'review', premisesId: null, score: best.score, candidates };
}
