import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { writeDemoFiles } from '../../src/modules/demo/demo-files.generator.ts';
import { readBoundaries } from '../../src/modules/geography/geojson.loader.ts';
import { loadBoundaries } from '../../src/modules/geography/geography.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildPartnership, TEST_PASSWORD, type TestPartnership } from '../support/factories.ts';
import { buildTestApp } from '../support/http.ts';
import { expectAccessible, launchChromium } from '../support/browser.ts';

let handle: TestDatabase;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;
let partnership: TestPartnership;
let policeFile: string;
let badFile: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  partnership = await buildPartnership(handle, { slug: 'journey', name: 'Journey Community Safety Partnership' });
  const dir = await mkdtemp(join(tmpdir(), 'lantern-journey-'));
  await writeDemoFiles(dir, { seed: 7, months: 2, endMonth: '2025-05' });
  await loadBoundaries(handle.db, partnership.admin, await readBoundaries(join(dir, 'boundaries/lsoa11.geojson'), { type: 'lsoa11' }), 'lsoa11');
  policeFile = join(dir, 'police-uk', (await readdir(join(dir, 'police-uk'))).sort()[0]!);
  badFile = join(dir, 'bad-2025-05.csv');
  await writeFile(badFile, [
    'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context',
    ',2025-13,Test Police,Test Police,-1.2,52.9,On or near High Street,,,Anti-social behaviour,,',
    ',2025-05,Test Police,Test Police,-1.2,52.9,"=HYPERLINK(""http://x"",""click"")",,,Anti-social behaviour,,',
  ].join('\n'));
  app = await buildTestApp(handle);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
  const context = await browser.newContext();
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await handle?.drop();
});

describe('a data provider shares police data under an agreement', () => {
  it('signs in', async () => {
    await page.goto(`${base}/sign-in`);
    await expectAccessible(page, 'sign-in');
    await page.getByLabel('Email address').fill(partnership.emails['data-provider']);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/overview/);
    expect(await page.locator('h1').textContent()).toContain('Journey Community Safety Partnership');
    await expectAccessible(page, 'overview');
  });

  it('is told an upload needs an agreement, then records one', async () => {
    await page.goto(`${base}/data/upload`);
    expect(await page.locator('.govuk-inset-text').textContent()).toContain('no data-sharing agreement in force');
    await page.goto(`${base}/data/agreements`);
    expect(await page.locator('.govuk-inset-text').textContent()).toContain('No agreements yet');
    await page.getByRole('button', { name: 'Record an agreement' }).click();
    await expectAccessible(page, 'new agreement form');
    await page.getByRole('button', { name: 'Record agreement' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter a title');
    await expectAccessible(page, 'new agreement form with errors');
    await page.getByLabel('Title').fill('Police recorded crime to the CSP');
    await page.getByLabel('Purpose').fill('Strategic assessment and tasking of the partnership.');
    await page.getByLabel('Crime and Disorder Act 1998 s.115').check();
    await page.getByLabel('Test Police').check();
    await page.getByLabel('Datasets').fill('police-uk');
    await page.getByLabel('Fields shared').fill('police.uk street-level fields');
    await page.getByLabel('Retention period').fill('84');
    const date = async (legend: string, d: string, m: string, y: string) => {
      const group = page.getByRole('group', { name: legend });
      await group.getByLabel('Day').fill(d);
      await group.getByLabel('Month').fill(m);
      await group.getByLabel('Year').fill(y);
    };
    await date('Start date', '1', '1', '2024');
    await date('Review date', '1', '1', '2028');
    await page.getByRole('button', { name: 'Record agreement' }).click();
    await page.waitForURL(/\/data\/agreements/);
    expect(await page.locator('.govuk-summary-card__title').first().textContent()).toContain('Police recorded crime to the CSP');
    await expectAccessible(page, 'agreements');
  });

  it('uploads a police.uk file and sees the summary', async () => {
    await page.goto(`${base}/data/upload`);
    expect(await page.locator('[data-testid="open-datasets"]').textContent()).toContain('police-uk under “Police recorded crime to the CSP”');
    await expectAccessible(page, 'upload form');
    await page.getByLabel('police.uk street-level crime').check();
    await page.getByLabel('Files').setInputFiles(policeFile);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.waitForURL(/\/data\/uploads\/\d+/);
    const banner = await page.locator('.govuk-notification-banner').textContent();
    expect(banner).toMatch(/\d[\d,]* rows imported/);
    expect(await page.locator('.govuk-summary-list').first().textContent()).toContain('Imported');
    await expectAccessible(page, 'upload report');
    await page.goto(`${base}/data`);
    expect(await page.locator('table').first().textContent()).toContain('police.uk');
    await expectAccessible(page, 'data');
  });

  it('uploads a bad file and reads its error report', async () => {
    await page.goto(`${base}/data/upload`);
    await page.getByLabel('police.uk street-level crime').check();
    await page.getByLabel('Files').setInputFiles(badFile);
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.waitForURL(/\/data\/uploads\/\d+/);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('nothing was imported');
    const problems = await page.locator('[data-testid="problems"]').textContent();
    expect(problems).toContain('Month');
    expect(problems).toMatch(/formula/i);
    await expectAccessible(page, 'refused upload report');
  });
});

describe('every other page passes axe', () => {
  it('for the data provider: the incident-list mapping form and the source page', async () => {
    for (const path of ['/data/sources/new', '/data/sources/police-uk', '/data']) {
      await page.goto(`${base}${path}`);
      await expectAccessible(page, path);
    }
  });

  it('for the partnership admin: admin, agencies, users, geography, tokens and audit', async () => {
    const context = await browser.newContext();
    const admin = await context.newPage();
    await admin.goto(`${base}/sign-in`);
    await admin.getByLabel('Email address').fill(partnership.emails['partnership-admin']);
    await admin.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.waitForURL(/\/overview/);
    for (const path of ['/admin', '/admin/agencies', '/admin/users', '/admin/geography', '/admin/tokens', '/admin/audit']) {
      await admin.goto(`${base}${path}`);
      expect(await admin.locator('h1').textContent(), path).toBeTruthy();
      await expectAccessible(admin, path);
    }
    await admin.getByRole('link', { name: 'Admin' }).first().click();
    await context.close();
  });
});
