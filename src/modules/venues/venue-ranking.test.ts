import { describe, expect, it } from 'vitest';
import { buildRanking, NIGHT_HOURS, peakHours, rankingCsv, RANKING_CSV_HEADER, tallyVenues, WITHHELD, type RegisterPremises, type VenueHourCount } from './venue-ranking.ts';

const hours = (pairs: Record<number, number>) => Array.from({ length: 24 }, (_, h) => pairs[h] ?? 0);
const premises = (id: number, name: string): RegisterPremises => ({ id, name, address: `${id} High Street`, postcode: 'KB1 1AA', licensed_hours: null, removed_at: null });

describe('peak hours', () => {
  it('names the busiest three hours of the night, across midnight', () => {
    expect(peakHours(hours({ 22: 2, 23: 5, 0: 6, 1: 4, 2: 1 }))).toBe('23:00 to 02:00');
    expect(peakHours(hours({ 4: 3, 5: 3 }))).toBe('03:00 to 06:00');
  });

  it('takes the earliest window on a tie, and has none without attendances at night', () => {
    expect(peakHours(hours({ 18: 1, 3: 1 }))).toBe('18:00 to 21:00');
    expect(peakHours(hours({ 12: 9 }))).toBeNull();
  });
});

describe('the ranking', () => {
  // Four venues: 30, 12 (of which 3 on Friday and Saturday nights), 3 and 0 attendances.
  const rows: VenueHourCount[] = [
    { premises_id: 1, hour: 23, fri_sat_night: true, attendances: 20 },
    { premises_id: 1, hour: 0, fri_sat_night: false, attendances: 10 },
    { premises_id: 2, hour: 22, fri_sat_night: true, attendances: 3 },
    { premises_id: 2, hour: 1, fri_sat_night: false, attendances: 9 },
    { premises_id: 3, hour: 14, fri_sat_night: false, attendances: 3 },
  ];
  const register = [premises(1, 'Liquid'), premises(2, 'Red Lion'), premises(3, 'Crown'), premises(4, 'Bell')];
  const input = { period: { from: '2024-06', to: '2025-05' }, premises: register, rows, allAttendances: 100, threshold: 5 };

  it('adds up each venue by hour and Friday and Saturday nights', () => {
    const tally = tallyVenues(rows).get(2)!;
    expect(tally.total).toBe(12);
    expect(tally.friSatNight).toBe(3);
    expect(tally.byHour[22]).toBe(3);
  });

  it('shows analysts every figure, ranked', () => {
    const ranking = buildRanking({ ...input, suppress: false });
    expect(ranking.venues.map((v) => [v.name, v.attendances.value])).toEqual([['Liquid', 30], ['Red Lion', 12], ['Crown', 3]]);
    expect(ranking.total.value).toBe(45);
    expect(ranking.premisesWithout).toBe(1);
    expect(ranking.venues[0]!.share).toBeCloseTo(30 / 45, 10);
    expect(ranking.venues[1]!.fridaySaturdayShare).toBeCloseTo(3 / 12, 10);
    expect(ranking.venues[0]!.night.map((c) => c.value)).toEqual(NIGHT_HOURS.map((h) => ({ 23: 20, 0: 10 } as Record<number, number>)[h] ?? 0));
  });

  it('withholds counts of 1 to 4 for everyone else, with one more so the total gives nothing away, and lists them last', () => {
    const ranking = buildRanking({ ...input, suppress: true });
    // 3 is withheld (primary); 12 is the smallest other count, withheld so that 45 − 30 − 12 cannot give the 3.
    expect(ranking.venues.map((v) => [v.name, v.attendances.value, v.attendances.suppressed])).toEqual([
      ['Liquid', 30, false], ['Crown', null, true], ['Red Lion', null, true],
    ]);
    const liquid = ranking.venues[0]!;
    expect(liquid.fridaySaturdayShare).toBeCloseTo(20 / 30, 10);
    expect(liquid.night.every((c) => !c.suppressed)).toBe(true);
    expect(ranking.venues[1]!.share).toBeNull();
    expect(ranking.venues[1]!.peakHours).toBeNull();
    expect(ranking.venues[1]!.night.every((c) => c.suppressed)).toBe(true);
  });

  it('hides a Friday and Saturday share, and hours, that would reveal a small count', () => {
    const ranking = buildRanking({ ...input, rows: rows.filter((r) => r.premises_id === 2), suppress: true });
    const redLion = ranking.venues[0]!;
    expect(redLion.attendances.value).toBe(12);
    expect(redLion.fridaySaturdayShare).toBeNull();
    expect(redLion.night.find((_, i) => NIGHT_HOURS[i] === 22)!.suppressed).toBe(true);
    expect(redLion.night.find((_, i) => NIGHT_HOURS[i] === 1)!.suppressed).toBe(true);
  });

  it('writes the licensing-review CSV with withheld figures as [c]', () => {
    const csv = rankingCsv(buildRanking({ ...input, suppress: true }));
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(RANKING_CSV_HEADER.join(','));
    expect(lines[1]).toBe('Liquid,1 High Street,KB1 1AA,,30,66.7%,66.7%,22:00 to 01:00,Yes');
    expect(lines[2]).toBe(`Crown,3 High Street,KB1 1AA,,${WITHHELD},${WITHHELD},${WITHHELD},${WITHHELD},Yes`);
  });
});
