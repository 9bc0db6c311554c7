/**
 * Turns free-text A&E location descriptions and register names into one comparable form,
 * so that "Outside LIQUID night club", "in liquid club" and "Liquid Nightclub" are the
 * same text. The same function normalises both sides (descriptions and premises names or
 * addresses), so whatever it does to one it does to the other.
 */

/** Numbers in words become digits: "Bar 11", "bar11" and "Bar Eleven" are one venue. */
const NUMBER_WORDS: Readonly<Record<string, string>> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17', eighteen: '18',
  nineteen: '19', twenty: '20',
};

/**
 * Words that say where around a venue something happened ("outside the", "queue for")
 * rather than which venue it was: reception staff write "outside the Red Lion", the
 * register says "The Red Lion". Longer phrases are listed first so they win over their parts.
 */
const PLACE_PHRASES: readonly (readonly string[])[] = [
  ['in', 'front', 'of'], ['out', 'side'], ['smoking', 'area'], ['beer', 'garden'], ['car', 'park'], ['dance', 'floor'],
  ['queue', 'for'], ['street', 'outside'], ['street', 'near'], ['road', 'outside'],
];
const PLACE_WORDS: ReadonlySet<string> = new Set([
  'the', 'outside', 'inside', 'near', 'nr', 'nearby', 'by', 'at', 'in', 'on', 'opposite', 'opp', 'behind', 'queue',
  'toilet', 'toilets', 'door', 'doorway', 'doors', 'entrance', 'shops',
]);
/** Words that say what kind of venue it is: "Liquid", "Liquid club" and "Liquid Nightclub" are one place. */
const KIND_PHRASES: readonly (readonly string[])[] = [['night', 'club'], ['public', 'house']];
const KIND_WORDS: ReadonlySet<string> = new Set(['pub', 'ph', 'bar', 'nightclub', 'club']);

/** Lower case, no accents or punctuation, digits split from letters, number words as digits. */
function tokens(text: string): string[] {
  const plain = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // "Lola's" and "Lolas" are the same name; an apostrophe never separates words.
    .replace(/['\u2018\u2019`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/([a-z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-z])/g, '$1 $2')
    .trim();
  if (plain === '') return [];
  return plain.split(' ').map((word) => NUMBER_WORDS[word] ?? word);
}

function without(words: readonly string[], phrases: readonly (readonly string[])[], single: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  let i = 0;
  outer: while (i < words.length) {
    for (const phrase of phrases) {
      if (phrase.every((w, k) => words[i + k] === w)) {
        i += phrase.length;
        continue outer;
      }
    }
    if (!single.has(words[i]!)) kept.push(words[i]!);
    i++;
  }
  return kept;
}

/**
 * The comparable form of a description or a name. Filler words go only where they are
 * not the whole name: "outside the club" and "The Club" both become "club", "Liquid
 * nightclub" becomes "liquid", and a text of nothing but filler ("outside") is kept whole.
 */
export function normaliseVenueText(text: string): string {
  const words = tokens(text);
  const placed = without(words, PLACE_PHRASES, PLACE_WORDS);
  if (placed.length === 0) return words.join(' ');
  const named = without(placed, KIND_PHRASES, KIND_WORDS);
  return (named.length > 0 ? named : placed).join(' ');
}

/** The name with its filler words kept and spaces removed: "Sanctuar yBar" is "sanctuarybar" like "Sanctuary Bar". */
export function compactVenueText(text: string): string {
  return tokens(text).join('');
}

/** The first line of an address (number and street): the town after it is shared by every venue and tells none apart. */
export function normaliseAddress(address: string): string {
  const firstLine = address.split(',')[0] ?? '';
  return tokens(firstLine).join(' ');
}
