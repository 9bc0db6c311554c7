import { describe, expect, it } from 'vitest';
import { compactVenueText, normaliseAddress, normaliseVenueText } from './venue-text.normaliser.ts';

describe('normalising A&E location descriptions and premises names', () => {
  it('drops case, punctuation and the words that say where around a venue', () => {
    for (const text of ['Liquid', 'LIQUID', 'Liquid Nightclub', 'liquid night club', 'in liquid club', 'Outside LIQUID nightclub', 'out side Liquid', 'queue outside liquid', 'street near Liquid', 'Liquid!!']) {
      expect(normaliseVenueText(text), text).toBe('liquid');
    }
    expect(normaliseVenueText('smoking area halo')).toBe('halo');
    expect(normaliseVenueText('queue for halo')).toBe('halo');
    expect(normaliseVenueText('beer garden red lion')).toBe('red lion');
    expect(normaliseVenueText('car park behind crown')).toBe('crown');
    expect(normaliseVenueText('crown PH')).toBe('crown');
    expect(normaliseVenueText('outside the Red Lion pub')).toBe('red lion');
  });

  it('keeps a filler word where it is the whole name', () => {
    expect(normaliseVenueText('The Club')).toBe('club');
    expect(normaliseVenueText('outside the club')).toBe('club');
    expect(normaliseVenueText('The Bar')).toBe('bar');
    expect(normaliseVenueText('outside')).toBe('outside');
    expect(normaliseVenueText('car park')).toBe('car park');
  });

  it('treats apostrophes, accents, ampersands and numbers the way people type them', () => {
    expect(normaliseVenueText("King's Head")).toBe('kings head');
    expect(normaliseVenueText('Lola’s Cocktail Bar')).toBe('lolas cocktail');
    expect(normaliseVenueText('Café Rouge')).toBe('cafe rouge');
    expect(normaliseVenueText('Rose & Crown')).toBe('rose and crown');
    for (const text of ['Bar 11', 'bar11', 'Bar Eleven', 'BAR ELEVEN']) expect(normaliseVenueText(text), text).toBe('11');
  });

  it('is empty for text with no letters or digits, and gives the same answer when run again', () => {
    expect(normaliseVenueText('')).toBe('');
    expect(normaliseVenueText(' ,.; - ')).toBe('');
    for (const text of ['Outside LIQUID night club', 'The Club', 'outside', 'Bar Eleven', "Lola's", 'castle gate']) {
      expect(normaliseVenueText(normaliseVenueText(text)), text).toBe(normaliseVenueText(text));
    }
  });

  it('compares names with spaces typed in the wrong place, and addresses by their first line', () => {
    expect(compactVenueText('Sanctuar yBar')).toBe(compactVenueText('Sanctuary Bar'));
    expect(compactVenueText('BlackH orse')).toBe(compactVenueText('Black Horse'));
    expect(normaliseAddress('109 Butcher Row, Kingsbridge')).toBe('109 butcher row');
    expect(normaliseAddress('Unit 3, Mill Yard, Kingsbridge')).toBe('unit 3');
  });
});
