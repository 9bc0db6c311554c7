import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FileRefusedError } from '../ingestion/parsers/file-errors.ts';
import { normalisePostcode, parsePremisesRegister, REGISTER_REASONS } from './premises-register.parser.ts';
import { REASONS } from '../ingestion/parsers/cell-checks.ts';

const source = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);

describe('reading the licensed-premises register', () => {
  it('reads the columns whatever their case, spacing or underscores, and ignores (never keeps) other columns', async () => {
    const csv = [
      ' Name ,ADDRESS,Post Code,Longitude,latitude,Licensed_Hours,Designated Premises Supervisor',
      'The Red Lion,"52 Market Place, Kingsbridge",kb1 1rw,-1.200141,52.906049,Mon-Sun 11:00-23:30,A Person',
      'Copper Bar,"2 Butcher Row, Kingsbridge",KB11AA,,,,',
    ].join('\r\n');
    const parsed = await parsePremisesRegister(source(csv));
    expect(parsed.problems).toEqual([]);
    expect(parsed.ignoredColumns).toEqual(['Designated Premises Supervisor']);
    expect(parsed.entries).toEqual([
      { line: 2, name: 'The Red Lion', address: '52 Market Place, Kingsbridge', postcode: 'KB1 1RW', lon: -1.200141, lat: 52.906049, licensedHours: 'Mon-Sun 11:00-23:30' },
      { line: 3, name: 'Copper Bar', address: '2 Butcher Row, Kingsbridge', postcode: 'KB1 1AA', lon: null, lat: null, licensedHours: null },
    ]);
    expect(JSON.stringify(parsed)).not.toContain('A Person');
  });

  it('names the line, column and reason of every bad row', async () => {
    const csv = [
      'name,address,postcode,longitude,latitude,licensed hours',
      ',"1 High Street",KB1 1AB,,,',
      'The Crown,"58 Swan Lane",not a postcode,,,',
      'The Vault,"57 Church Street",KB1 2AB,abc,52.9,',
      'The Plough,"71 Church Street",KB1 2AD,-1.19,,',
      'THE VAULT,"57 Church Street",kb1 2ab,,,',
      '=SUM(A1:A2),"1 Road",KB1 3AB,,,',
      'The George,"78 Castle Gate",KB1 1GG,-1.2,52.9',
    ].join('\n');
    const parsed = await parsePremisesRegister(source(csv));
    expect(parsed.problems).toEqual([
      { line: 2, field: 'name', reason: REASONS.empty },
      { line: 3, field: 'postcode', reason: REGISTER_REASONS.postcode },
      { line: 4, field: 'longitude', reason: REASONS.notANumber },
      { line: 5, field: 'latitude', reason: REASONS.halfCoordinate },
      { line: 6, field: 'name', reason: REGISTER_REASONS.duplicate(4) },
      { line: 7, field: 'name', reason: REASONS.formula },
      { line: 8, field: '(row)', reason: REASONS.cellCount(5, 6) },
    ]);
  });

  it('refuses a register without its required columns, or without premises', async () => {
    const missing = parsePremisesRegister(source('name,address,longitude,latitude\nThe Crown,1 Road,-1.2,52.9\n'));
    await expect(missing).rejects.toBeInstanceOf(FileRefusedError);
    await expect(missing).rejects.toMatchObject({ code: 'missing-columns', problems: [{ line: 1, field: 'postcode', reason: 'column missing' }] });
    await expect(parsePremisesRegister(source('name,address,postcode\n'))).rejects.toMatchObject({ code: 'empty-file' });
    await expect(parsePremisesRegister(source(''))).rejects.toMatchObject({ code: 'empty-file' });
    await expect(parsePremisesRegister(source('name,address,postcode,latitude\nA,B,KB1 1AA,52\n'))).rejects.toMatchObject({ code: 'missing-columns', problems: [{ field: 'longitude' }] });
  });

  it('writes postcodes one way', () => {
    expect(normalisePostcode(' sw1a1aa ')).toBe('SW1A 1AA');
    expect(normalisePostcode('M1  1AE')).toBe('M1 1AE');
  });
});
