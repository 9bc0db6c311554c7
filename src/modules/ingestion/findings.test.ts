import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FindingsCollector } from './findings.ts';
import type { ParsedIncident } from './incident.types.ts';

const row = (line: number, overrides: Partial<ParsedIncident> = {}): ParsedIncident => ({
  line, sourceRef: null, month: '2024-05', occurredAt: null, sourceCategory: 'Anti-social behaviour', outcome: null,
  locationDesc: 'On or near High Street', lon: -1.2, lat: 52.9, areaCode: 'E01000001', batchKey: 'F|2024-05', attributes: {}, ...overrides,
});
// police.uk Crime IDs are SHA-256 hashes.
const id = (n: number) => createHash('sha256').update(String(n)).digest('hex');

describe('data-quality findings', () => {
  it('counts Crime IDs shared by several rows and identical rows without one, keeping every row', () => {
    const findings = new FindingsCollector('police-uk');
    const rows = [
      row(2, { sourceRef: id(1), sourceCategory: 'Burglary' }), row(3, { sourceRef: id(1), sourceCategory: 'Burglary', lon: -1.3 }),
      row(4, { sourceRef: id(2), sourceCategory: 'Burglary' }),
      row(5), row(6), row(7), row(8, { lat: 52.95 }),
      row(9, { sourceRef: id(3) }), row(10, { sourceRef: id(3) }), row(11, { sourceRef: id(3) }),
    ];
    for (const r of rows) findings.observe(r, 'located', true);
    const result = findings.finish({ rows: rows.length, withoutLocation: 0, outsideArea: 0 });
    expect(result.find((f) => f.kind === 'shared-crime-id')).toMatchObject({ rowCount: 5, detail: { ids: 2, sample: [{ firstLine: 2, count: 2 }, { firstLine: 9, count: 3 }] } });
    expect(result.find((f) => f.kind === 'identical-rows')).toMatchObject({ rowCount: 3, detail: { groups: 1, sampleLines: [5] } });
  });

  it('reports rows without location, outside the area, and unmapped categories', () => {
    const findings = new FindingsCollector('incidents');
    findings.observe(row(2), 'no-location', true);
    findings.observe(row(3), 'outside-area', true);
    findings.observe(row(4, { sourceCategory: 'Skateboarding' }), 'located', false);
    const kinds = findings.finish({ rows: 3, withoutLocation: 1, outsideArea: 1 }).map((f) => [f.kind, f.rowCount]);
    expect(kinds).toEqual([['no-location', 1], ['outside-area', 1], ['unmapped-category', 1]]);
  });

  it('tells apart references of 64 characters that begin alike but are not Crime IDs', () => {
    const findings = new FindingsCollector('incidents');
    const start = 'abcdef0123456';
    findings.observe(row(2, { sourceRef: `${start}-${'x'.repeat(50)}` }), 'located', true);
    findings.observe(row(3, { sourceRef: `${start}-${'y'.repeat(50)}` }), 'located', true);
    findings.observe(row(4, { sourceRef: `${start}${'0'.repeat(51)}` }), 'located', true);
    findings.observe(row(5, { sourceRef: `${start}${'1'.repeat(51)}` }), 'located', true);
    const result = findings.finish({ rows: 4, withoutLocation: 0, outsideArea: 0 });
    // The two hexadecimal ids share their first 52 bits, as two real Crime IDs almost never do; the others are hashed whole.
    expect(result.find((f) => f.kind === 'shared-crime-id')).toMatchObject({ rowCount: 2, detail: { ids: 1, sample: [{ firstLine: 4, count: 2 }] } });
  });
});
