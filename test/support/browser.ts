import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD, loadDemoPartnership } from '../../src/modules/demo/demo.service.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { buildTestApp } from './http.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with nothing that reaches out to the network. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

/** Fails with the list of WCAG 2.2 A/AA violations on the page, if any. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)} ${n.failureSummary ?? ''}`).slice(0, 3).join(' | ')})`);
  expect(summary, `accessibility of ${label}`).toEqual([]);
}

/** The demo partnership served on a free port, with Chromium open on it: what the journeys start from. */
export type DemoJourney = {
  handle: TestDatabase;
  app: FastifyInstance;
  browser: Browser;
  page: Page;
  base: string;
  signIn: (email: string) => Promise<void>;
  close: () => Promise<void>;
};

export async function openDemoJourney(name: string): Promise<DemoJourney> {
  const handle = await createTestDatabase();
  await loadDemoPartnership(handle, { dir: await mkdtemp(join(tmpdir(), `lantern-${name}-`)) });
  const app = await buildTestApp(handle);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchChromium();
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  return {
    handle, app, browser, page, base,
    signIn: async (email) => {
      await page.goto(`${base}/sign-in`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/overview/);
    },
    close: async () => {
      await browser.close();
      await app.close();
      await handle.drop();
    },
  };
}
