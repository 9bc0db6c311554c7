import { describe, it, expect } from 'vitest';
import {
  findIdentifiers,
  firstIdentifier,
  headerNamesPerson,
  identifierReason,
  isValidNhsNumber,
  type IdentifierKind,
} from './identifier-detector.ts';

const kinds = (value: string, birthDateField = false): IdentifierKind[] =>
  findIdentifiers(value, { birthDateField }).map((f) => f.kind);

describe('NHS numbers', () => {
  it('accepts numbers passing the modulus-11 check, spaced, dashed or run together', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(kinds('9434765919')).toEqual(['nhs-number']);
    expect(kinds('943 476 5919')).toEqual(['nhs-number']);
    expect(kinds('943-476-5919')).toEqual(['nhs-number']);
    expect(kinds('seen by A&E, NHS no. 943 476 5919, discharged')).toEqual(['nhs-number']);
  });

  it('treats a 10-digit string failing the check as not an NHS number', () => {
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(kinds('9434765918')).toEqual([]);
    expect(kinds('1234567890')).toEqual([]);
  });

  it('rejects numbers whose check digit would be 10', () => {
    // weights 10..2 over 1,0,0,0,0,0,0,0,1 give 12; 11 - (12 mod 11) = 10
    expect(isValidNhsNumber('1000000010')).toBe(false);
    expect(isValidNhsNumber('100000001')).toBe(false);
  });

  it('does not take digits out of a longer number or a hex id', () => {
    expect(kinds('9434765919123')).toEqual([]);
    expect(kinds('ab9434765919cd')).toEqual([]);
  });
});

describe('phone numbers', () => {
  it.each([
    '07700 900123',
    '07700900123',
    '+44 7700 900123',
    '+447700900123',
    '0044 7700 900123',
    '020 7946 0000',
    '(020) 7946 0000',
    '+44 (0)20 7946 0000',
    '0161 496 0000',
    '01632 960123',
    'call her on 07700-900-123 after 6',
  ])('finds %s', (value) => {
    expect(kinds(value)).toEqual(['phone']);
  });

  it('reports a valid NHS number that also looks like a phone number only as an NHS number', () => {
    // Search for a valid NHS number that also has the shape of a UK phone number (01...).
    let candidate = '';
    for (let n = 0; n < 1e6 && !candidate; n++) {
      const s = ('01' + String(n).padStart(8, '0')).slice(0, 10);
      if (isValidNhsNumber(s)) candidate = s;
    }
    expect(candidate).not.toBe('');
    expect(kinds(candidate)).toEqual(['nhs-number']);
  });

  it.each([
    '05-12-2023 10:30',
    '2023-05-12 10:30',
    '12/05/2023 10:30:00',
    '-0.107682,51.517786',
    '51.0123456789',
    '0.1234567890',
    'ASB/2023/000123',
    '1234567890',
    '06123 456789',
  ])('does not take %s for a phone number', (value) => {
    expect(kinds(value)).toEqual([]);
  });
});

describe('emails', () => {
  it('finds addresses', () => {
    expect(kinds('jo.bloggs@example.com')).toEqual(['email']);
    expect(kinds('contact: j_o+tag@mail.example.co.uk today')).toEqual(['email']);
  });
  it('ignores an @ that is not an address', () => {
    expect(kinds('@SUM(A1)')).toEqual([]);
    expect(kinds('meet @ the Red Lion')).toEqual([]);
    expect(kinds('x@localhost')).toEqual([]);
  });
  it('stays fast on a long field full of @', () => {
    const long = 'a'.repeat(50_000) + '@' + 'b'.repeat(50_000) + '@'.repeat(1000);
    const t = performance.now();
    expect(kinds(long)).toEqual([]);
    expect(performance.now() - t).toBeLessThan(500);
  });
});

describe('postcodes', () => {
  it.each(['EC1A 1BB', 'SW1A1AA', 'M1 1AE', 'ec1a 1bb', 'B33 8TH', 'CR2 6XH', 'DN55 1PT', 'GIR 0AA', 'outside 12 High St, W1A 0AX'])(
    'finds the full postcode %s',
    (value) => {
      expect(kinds(value)).toEqual(['postcode']);
    },
  );
  it.each(['EC1A', 'EC1A 1', 'SW1A', 'postcode district M1', 'On or near B521', 'Camden 027C', 'E01000917', 'City of London 001F'])(
    'accepts the partial code or look-alike %s',
    (value) => {
      expect(kinds(value)).toEqual([]);
    },
  );
});

describe('dates of birth', () => {
  it('finds a labelled date of birth in free text', () => {
    expect(kinds('DOB 12/03/1990')).toEqual(['date-of-birth']);
    expect(kinds('d.o.b: 12.03.1990')).toEqual(['date-of-birth']);
    expect(kinds('born 1990-03-12')).toEqual(['date-of-birth']);
    expect(kinds('Date of birth 12 March 1990')).toEqual(['date-of-birth']);
  });
  it('does not treat an unlabelled date as a date of birth', () => {
    expect(kinds('12/03/1990')).toEqual([]);
    expect(kinds('incident on 2024-03-12 near the station')).toEqual([]);
    expect(kinds('stubborn 12/03/1990')).toEqual([]);
  });
  it('treats any date as a date of birth in a birth-date column', () => {
    expect(kinds('12/03/1990', true)).toEqual(['date-of-birth']);
    expect(kinds('1990-03-12', true)).toEqual(['date-of-birth']);
    expect(kinds('unknown', true)).toEqual([]);
  });
});

describe('findIdentifiers and firstIdentifier', () => {
  it('reports each kind once, without the value', () => {
    const found = findIdentifiers('943 476 5919 or 07700 900123, jo@example.com, EC1A 1BB, DOB 01/02/1990');
    expect(found).toEqual([{ kind: 'nhs-number' }, { kind: 'phone' }, { kind: 'email' }, { kind: 'postcode' }, { kind: 'date-of-birth' }]);
    expect(firstIdentifier('jo@example.com EC1A 1BB')).toBe('email');
    expect(firstIdentifier('On or near Holborn')).toBeNull();
    expect(firstIdentifier('')).toBeNull();
  });
  it('ignores police.uk crime ids, coordinates, street and LSOA names', () => {
    for (const value of [
      'b35433ed3e1a2b42e80ec6edca5e92df8a6714899f8bf84ae9f6e5202385cb84',
      '0590daa06d8ba6092958803b3dae4f370c5f8b8b83b3bff0812b6ee2068fa576',
      '1234567890123456789012345678901234567890123456789012345678901234',
      '-0.107682',
      '51.517786',
      'On or near Holborn',
      'On or near Parking Area',
      'Camden 027C',
      'Investigation complete; no suspect identified',
    ]) {
      expect(firstIdentifier(value), value).toBeNull();
    }
  });
  it('gives plain-English reasons', () => {
    expect(identifierReason('nhs-number')).toBe('looks like an NHS number');
    expect(identifierReason('postcode')).toBe('looks like a full postcode');
  });
});

describe('headerNamesPerson', () => {
  it.each([
    'Name',
    'Patient Name',
    'patient_name',
    'First name',
    'FirstName',
    'Surname',
    'Forename(s)',
    'Officer name',
    'DOB',
    'D.O.B.',
    'Date of birth',
    'DateOfBirth',
    'NHS number',
    'NHS_No',
    'NHSNumber',
    'Address',
    'Home address',
    'Phone',
    'Telephone',
    'Mobile',
    'Email',
    'E-mail address',
    'Postcode',
    'Post code',
    'Patient',
  ])('refuses %s', (header) => {
    expect(headerNamesPerson(header)).toBe(true);
  });

  it.each([
    'LSOA name',
    'Street name',
    'Premises name',
    'Ward name',
    'Crime type',
    'Location',
    'Postcode district',
    'Postcode sector',
    'Crime ID',
    'Month',
    'Falls within',
    'Last outcome category',
    'ASSAULT LOCATION DESCRIPTION',
    'Reference',
    'Easting',
    'NHS trust',
    '',
  ])('accepts %s', (header) => {
    expect(headerNamesPerson(header)).toBe(false);
  });
});
