import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expectAccessible, openDemoJourney, type DemoJourney } from '../support/browser.ts';

/**
 * The analyst writes the year's strategic assessment: generates the draft from the shared
 * data, writes the summary, enters public concern, publishes, and a board member (viewer)
 * reads the published PDF.
 */
let journey: DemoJourney;
let page: Page;
let base: string;
const signIn = (email: string) => journey.signIn(email);

beforeAll(async () => {
  journey = await openDemoJourney('assessment-journey');
  ({ page, base } = journey);
});

afterAll(async () => journey?.close());

describe('an analyst produces the strategic assessment', () => {
  it('generates a draft for the last twelve months of data', async () => {
    await signIn('analyst@kingsbridge.example');
    await page.getByRole('link', { name: 'Assessments and indicators' }).click();
    await page.waitForURL(/\/assessments$/);
    await expectAccessible(page, 'assessments');
    await page.getByRole('button', { name: 'Generate an assessment' }).click();
    await page.waitForURL(/\/assessments\/new$/);
    await expectAccessible(page, 'new assessment');
    // The period defaults to the twelve months up to the latest data.
    expect(await page.getByLabel('Last month').inputValue()).toMatch(/^\d{4}-\d{2}$/);
    await page.getByLabel('Title (optional)').fill('Safer Kingsbridge Joint Strategic Assessment');
    await page.getByRole('button', { name: 'Generate the draft' }).click();
    await page.waitForURL(/\/assessments\/\d+\?saved=/);
    expect(await page.locator('h1').textContent()).toContain('Safer Kingsbridge Joint Strategic Assessment');
    expect(await page.locator('#priorities table').first().textContent()).toContain('Recommended');
    expect(await page.locator('svg[id$="-map"]').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'assessment draft');
  });

  it('writes the summary and enters public concern, each saved as a version', async () => {
    await page.getByLabel('Words for “Summary”').fill('Violence in the town centre at night is the first priority.\n\nAnti-social behaviour remains the most reported concern.');
    await page.getByRole('button', { name: 'Save “Summary”' }).click();
    await page.waitForURL(/saved=/);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Saved as version 2');
    expect(await page.locator('#summary').textContent()).toContain('Violence in the town centre at night is the first priority.');
    await page.getByRole('link', { name: 'what changed in version 2' }).click();
    await page.waitForURL(/\/versions\/2\/changes$/);
    expect(await page.locator('ins').first().textContent()).toContain('Violence in the town centre at night');
    await expectAccessible(page, 'what changed');
    await page.goBack();

    await page.locator('#concern-drugs').fill('5');
    await page.getByRole('button', { name: 'Save public concern and rescore' }).click();
    await page.waitForURL(/saved=/);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('version 3');
    expect(await page.locator('#priorities').textContent()).toContain('entered as 5 of 5');
  });

  it('publishes, and the PDF downloads', async () => {
    await page.getByRole('button', { name: 'Publish this version' }).click();
    await page.waitForURL(/saved=/);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Published as version 4');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the PDF/ }).click()]);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await expectAccessible(page, 'published assessment');
  });
});

describe('the analyst checks the indicators, the family and the cost of violence', () => {
  it('reads the indicators with their intervals, the spine chart and a ward profile', async () => {
    await page.goto(`${base}/assessments`);
    await page.getByRole('link', { name: 'Outcome indicators' }).click();
    await page.waitForURL(/\/assessments\/indicators/);
    expect(await page.locator('[data-indicator="B12b"]').textContent()).toMatch(/\d+\.\d to \d+\.\d/);
    expect(await page.locator('svg#spine-chart').count()).toBe(1);
    await expectAccessible(page, 'indicators');
    await page.getByRole('link', { name: 'Violence offences per 1,000' }).first().click();
    await page.waitForURL(/\/assessments\/indicators\/B12b/);
    await expectAccessible(page, 'indicator B12b');
    await page.locator('a[href^="/assessments/profile/ward/"]').first().click();
    await page.waitForURL(/\/assessments\/profile\/ward\//);
    expect(await page.locator('svg#spine-chart').count()).toBe(1);
    await expectAccessible(page, 'ward profile');
  });

  it('compares the partnership with its family', async () => {
    await page.goto(`${base}/assessments/family`);
    expect(await page.locator('h1').textContent()).toBeTruthy();
    expect(await page.getByText('Family average').first().isVisible()).toBe(true);
    await expectAccessible(page, 'family comparison');
  });

  it('works out what a 10% fall in violence with injury would save each agency', async () => {
    await page.goto(`${base}/assessments/costs`);
    await expectAccessible(page, 'cost of crime');
    await page.goto(`${base}/assessments/costs/avoided`);
    await page.getByLabel('Kind of crime').selectOption({ label: 'Violence with injury' });
    await page.getByLabel('Fall').fill('10');
    await page.getByRole('button', { name: 'Work out the saving' }).click();
    await page.waitForSelector('#result');
    expect(await page.locator('#result').textContent()).toContain('10% fall in violence with injury');
    await expectAccessible(page, 'costs avoided');
  });
});

describe('a board member reads it', () => {
  it('sees the published version, never the drafts', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('viewer@kingsbridge.example');
    await page.goto(`${base}/assessments`);
    await page.getByRole('link', { name: 'Safer Kingsbridge Joint Strategic Assessment', exact: true }).click();
    await page.waitForURL(/\/versions\/4$/);
    expect(await page.locator('.lantern-versions li').count()).toBe(1);
    expect(await page.locator('textarea').count()).toBe(0);
    expect(await page.locator('#summary').textContent()).toContain('Violence in the town centre at night is the first priority.');
    await expectAccessible(page, 'published assessment, viewer');
  });
});
