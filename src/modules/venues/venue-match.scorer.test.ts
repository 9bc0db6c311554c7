import { describe, expect, it } from 'vitest';
import { AUTO_ACCEPT_MARGIN, AUTO_ACCEPT_SCORE, REVIEW_FLOOR, decideMatch, editDistance, editSimilarity, scoreCandidate, type TrigramCandidate } from './venue-match.scorer.ts';

const candidate = (overrides: Partial<TrigramCandidate>): TrigramCandidate => ({
  premisesId: 1, name: 'The Crown', nameNorm: 'crown', nameSimilarity: 0, descriptionInName: 0, nameInDescription: 0, addressSimilarity: 0, ...overrides,
});

describe('edit distance (optimal string alignment)', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('crwon', 'crown')).toBe(1);
    expect(editDistance('liqiud', 'liquid')).toBe(1);
    expect(editDistance('crown', 'crown')).toBe(0);
  });

  it('agrees with hand-worked distances', () => {
    // kitten → sitten → sittin → sitting
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    // Optimal string alignment edits no substring twice: "ca" → "abc" takes 3, not 2.
    expect(editDistance('ca', 'abc')).toBe(3);
    expect(editSimilarity('kings hed', 'kings head')).toBeCloseTo(0.9, 10);
  });
});

describe('scoring a premises for a description', () => {
  it('rates a one-letter slip in a long name above the auto-accept score, and in a short name below it', () => {
    expect(scoreCandidate('kings hed', candidate({ nameNorm: 'kings head', name: 'The Kings Head' }), 'thekingshead')).toBeGreaterThanOrEqual(AUTO_ACCEPT_SCORE);
    const short = scoreCandidate('crwon', candidate({ nameSimilarity: 0.2 }), 'thecrown');
    expect(short).toBeLessThan(AUTO_ACCEPT_SCORE);
    expect(short).toBeGreaterThanOrEqual(REVIEW_FLOOR);
  });

  it('ignores edit distance between unrelated short words', () => {
    // "town" is two edits from "crown": 0.6 by edit distance, which must not count.
    expect(scoreCandidate('town', candidate({ nameSimilarity: 0.1 }), 'thecrown')).toBe(0.1);
  });

  it('never auto-accepts on an address alone, nor on a name inside a longer description', () => {
    expect(scoreCandidate('52 market place', candidate({ nameNorm: 'red lion', addressSimilarity: 1 }), 'theredlion')).toBeLessThan(AUTO_ACCEPT_SCORE);
    expect(scoreCandidate('castle gate', candidate({ nameNorm: 'castle', nameInDescription: 1, nameSimilarity: 0.5 }), 'thecastle')).toBeLessThan(AUTO_ACCEPT_SCORE);
  });

  it('weighs a description found inside a longer name by how much of the name it covers', () => {
    const full = scoreCandidate('market tavern', candidate({ nameNorm: 'old market tavern', descriptionInName: 1 }), 'theoldmarkettavern');
    const part = scoreCandidate('tavern', candidate({ nameNorm: 'old market tavern', descriptionInName: 1 }), 'theoldmarkettavern');
    expect(full).toBeGreaterThanOrEqual(AUTO_ACCEPT_SCORE);
    expect(part).toBeLessThan(AUTO_ACCEPT_SCORE);
  });
});

describe('deciding', () => {
  it('accepts a clear best match', () => {
    expect(decideMatch([{ premisesId: 1, score: 0.95 }, { premisesId: 2, score: 0.5 }])).toMatchObject({ status: 'matched', premisesId: 1 });
  });

  it('sends a high score without a clear margin to people, with both candidates', () => {
    const decision = decideMatch([{ premisesId: 2, score: 0.9 }, { premisesId: 1, score: 0.9 - AUTO_ACCEPT_MARGIN + 0.01 }]);
    expect(decision.status).toBe('review');
    expect(decision.candidates.map((c) => c.premisesId)).toEqual([2, 1]);
  });

  it('sends an uncertain score to people and records no match below the floor', () => {
    expect(decideMatch([{ premisesId: 1, score: 0.6 }]).status).toBe('review');
    expect(decideMatch([{ premisesId: 1, score: REVIEW_FLOOR - 0.01 }]).status).toBe('no-match');
    expect(decideMatch([]).status).toBe('no-match');
  });
});
