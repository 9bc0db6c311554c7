import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expectAccessible, openDemoJourney, type DemoJourney } from '../support/browser.ts';

/**
 * An analyst opens the demo partnership for the first time: finds where violence
 * concentrates, opens a hotspot's incidents and exports the hotspot grid; a viewer sees
 * the same views with small numbers suppressed.
 */
let journey: DemoJourney;
let page: Page;
let base: string;
const signIn = (email: string) => journey.signIn(email);

beforeAll(async () => {
  journey = await openDemoJourney('analysis-journey');
  ({ page, base } = journey);
});

afterAll(async () => journey?.close());

describe('an analyst finds where violence concentrates', () => {
  it('opens the analysis overview with year-on-year change read in words', async () => {
    await signIn('analyst@kingsbridge.example');
    await page.getByRole('link', { name: 'Analysis' }).first().click();
    await page.waitForURL(/\/analysis$/);
    const total = await page.locator('[data-figure="total"]').textContent();
    expect(Number(total!.replace(/,/g, ''))).toBeGreaterThan(1000);
    expect(await page.locator('[data-figure="total-verdict"]').textContent()).toMatch(/could be chance|unlikely to be chance/);
    expect(await page.locator('svg#trend-chart').count()).toBe(1);
    await expectAccessible(page, 'analysis overview');
  });

  it('filters to violence and keeps the filters in the URL', async () => {
    await page.getByText('Change filters').click();
    await page.getByLabel('Violence (including sexual offences)').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/category=violence/);
    expect(await page.locator('.lantern-active-filters').textContent()).toContain('Violence');
  });

  it('finds a Gi* hot spot on the map and in its list', async () => {
    await page.getByRole('link', { name: 'Map and hotspots' }).click();
    await page.waitForURL(/\/analysis\/map\?.*category=violence/);
    const summary = await page.locator('[data-figure="hotspot-summary"]').textContent();
    const hot = Number(/(\d+)\s+hot spot cell/.exec(summary ?? '')?.[1]);
    expect(hot).toBeGreaterThan(0);
    await page.locator('[data-lantern-map][data-map-state="ready"], [data-lantern-map][data-map-state="failed"]').waitFor({ timeout: 60_000 });
    const firstRow = page.locator('table[data-table="cells"] tbody tr').first();
    expect(await firstRow.textContent()).toMatch(/Hot spot, 9\d% confidence/);
    await expectAccessible(page, 'map and hotspots');
  });

  it('opens the hottest cell and its incidents', async () => {
    await page.locator('table[data-table="cells"] tbody tr').first().getByRole('link').click();
    await page.waitForURL(/\/analysis\/cells\/250\//);
    const rows = await page.locator('table[data-table="incidents"] tbody tr').count();
    expect(rows).toBeGreaterThan(0);
    expect(await page.locator('table[data-table="categories"]').textContent()).toContain('Violence');
    await expectAccessible(page, 'hotspot cell');
    await page.goBack();
  });

  it('exports the hotspot grid as CSV, with every cell', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download every cell (CSV)' }).click();
    const file = await (await download).path();
    const lines = (await readFile(file!, 'utf8')).trim().split('\n');
    expect(lines[0]).toContain('gi_z');
    const cells = Number(/out of ([\d,]+) cells/.exec((await page.locator('[data-figure="hotspot-summary"]').textContent()) ?? '')?.[1]?.replace(/,/g, ''));
    expect(lines.length - 1).toBe(cells);
  });

  it('sees when violence happens, how much the police never hear of, and deprivation', async () => {
    for (const [name, check] of [['When', 'table[data-table="heatmap"]'], ['Hidden violence', '[data-figure="ratio"]'], ['Deprivation', 'table[data-table="deciles"]']] as const) {
      await page.getByRole('link', { name, exact: true }).click();
      await page.locator(check).waitFor();
      await expectAccessible(page, name);
    }
    const ratio = Number(await page.goto(`${base}/analysis/hidden-violence`).then(() => page.locator('[data-figure="ratio"]').textContent()));
    expect(ratio).toBeGreaterThan(0);
  });
});

describe('an analyst sees which venues drive A&E assaults', () => {
  it('ranks licensed premises and reviews an uncertain match', async () => {
    await page.goto(`${base}/analysis`);
    await page.getByRole('link', { name: 'Venues', exact: true }).click();
    await page.waitForURL(/\/analysis\/venues/);
    const ranking = page.locator('[data-testid="venue-ranking"] tbody tr');
    await ranking.first().waitFor();
    expect(await ranking.count()).toBeGreaterThan(5);
    expect(await ranking.first().textContent()).toMatch(/\d/);
    await expectAccessible(page, 'venue ranking');
    await page.getByRole('link', { name: /Matches to review/ }).click();
    await page.waitForURL(/\/analysis\/venues\/review/);
    await expectAccessible(page, 'venue review queue');
  });
});

describe('a viewer sees the same views with small numbers suppressed', () => {
  it('shows [c] rather than small counts', async () => {
    await page.context().clearCookies();
    await signIn('viewer@kingsbridge.example');
    await page.goto(`${base}/analysis/map?method=count&cell=100`);
    const counts = await page.locator('table[data-table="cells"] tbody td:nth-child(2)').allTextContents();
    expect(counts.length).toBeGreaterThan(0);
    for (const text of counts) {
      const n = Number(text.replace(/,/g, ''));
      expect(text.includes('[c]') || n === 0 || n >= 5, `count "${text}"`).toBe(true);
    }
    await expectAccessible(page, 'viewer map');
    // The list shows the busiest cells; the export has every cell, small ones suppressed.
    const csv = await (await page.request.get(`${base}/analysis/map/export.csv?method=count&cell=100`)).text();
    const column = csv.trim().split('\n').slice(1).map((line) => line.split(',')[5]!);
    expect(column).toContain('suppressed');
    expect(column.filter((v) => /^[1-4]$/.test(v))).toEqual([]);
  });
});
