import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { GOVUK_DIST, MOJ_DIST } from '../../src/server/render.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildTestApp } from '../support/http.ts';
import { expectAccessible, launchChromium } from '../support/browser.ts';

// The island is tested on a fixture page served at the app's origin with the app's real
// Content-Security-Policy, rendered through the real layout and _map.njk macro, so that
// the page is exactly what an analysis page will be apart from its figures.

const VIEWS = join(dirname(fileURLToPath(import.meta.url)), '../../src/server/views');
const BACKGROUND = [0xf3, 0xf2, 0xf1];
const FALLBACK = 'The map could not be shown; the table below has the same information.';
const LABEL = 'Map of violence rates by LSOA, Kingsbridge';

type Area = { code: string; fill: string; ring: Array<[number, number]>; multi?: boolean; selected?: boolean };
// Three squares side by side near Kingsbridge; the middle one lies under the map centre.
const AREAS: Area[] = [
  { code: 'E01000001', fill: '#d4351c', ring: [[-3.80, 50.27], [-3.79, 50.27], [-3.79, 50.28], [-3.80, 50.28], [-3.80, 50.27]] },
  { code: 'E01000002', fill: '#1d70b8', ring: [[-3.79, 50.27], [-3.78, 50.27], [-3.78, 50.28], [-3.79, 50.28], [-3.79, 50.27]], selected: true },
  { code: 'E01000003', fill: '#00703c', ring: [[-3.78, 50.27], [-3.77, 50.27], [-3.77, 50.28], [-3.78, 50.28], [-3.78, 50.27]], multi: true },
];
const centreOf = (a: Area): [number, number] => [(a.ring[0]![0] + a.ring[1]![0]) / 2, (a.ring[0]![1] + a.ring[2]![1]) / 2];

let handle: TestDatabase;
let app: FastifyInstance;
let browser: Browser;
let base: string;
let csp: string;
let nonce: string;

const hrefOf = (a: Area) => `${base}/__map-fixture/areas/${a.code}`;
const featureCollection = () => ({
  type: 'FeatureCollection',
  features: AREAS.map((a) => ({
    type: 'Feature',
    geometry: a.multi ? { type: 'MultiPolygon', coordinates: [[a.ring]] } : { type: 'Polygon', coordinates: [a.ring] },
    properties: { fill: a.fill, outline: '#0b0c0c', label: `${a.code} Kingsbridge: 12.3 per 1,000`, href: `/__map-fixture/areas/${a.code}`, ...(a.selected ? { selected: true } : {}) },
  })),
});

function fixturePage(featuresUrl: string): string {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([VIEWS, GOVUK_DIST, MOJ_DIST]), { autoescape: true });
  return env.renderString(`{% extends "layout.njk" %}
{% from "_map.njk" import lanternMap with context %}
{% block page %}
  <h1 class="govuk-heading-l">Violence by LSOA</h1>
  {{ lanternMap(featuresUrl, label) }}
  <table class="govuk-table">
    <caption class="govuk-table__caption govuk-table__caption--m">Violence rates by LSOA</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">LSOA</th><th scope="col" class="govuk-table__header">Rate per 1,000</th></tr></thead>
    <tbody class="govuk-table__body">{% for code in codes %}<tr class="govuk-table__row"><td class="govuk-table__cell">{{ code }}</td><td class="govuk-table__cell">12.3</td></tr>{% endfor %}</tbody>
  </table>
{% endblock %}`, { title: 'Violence by LSOA', featuresUrl, label: LABEL, codes: AREAS.map((a) => a.code), cspNonce: nonce });
}

type Watch = { page: Page; problems: string[] };

/** A page whose fixture routes answer on the app's origin, recording CSP violations and errors. */
async function openWatchedPage(context: BrowserContext): Promise<Watch> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/content security policy|refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await page.route(`${base}/__map-fixture**`, async (route) => {
    const url = new URL(route.request().url());
    const headers = { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp };
    if (url.pathname === '/__map-fixture') {
      const features = url.searchParams.get('features') ?? 'good';
      return route.fulfill({ status: 200, headers, body: fixturePage(`/__map-fixture/features.geojson?set=${features}`) });
    }
    if (url.pathname === '/__map-fixture/features.geojson') {
      if (url.searchParams.get('set') === 'broken') return route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal"}' });
      return route.fulfill({ status: 200, contentType: 'application/geo+json', body: JSON.stringify(featureCollection()) });
    }
    if (url.pathname === '/__map-fixture/csp-probe') {
      return route.fulfill({ status: 200, headers, body: '<!DOCTYPE html><html lang="en"><head><title>Probe</title></head><body><script>window.inlineRan = true;</script></body></html>' });
    }
    const code = url.pathname.split('/').pop();
    return route.fulfill({ status: 200, headers, body: `<!DOCTYPE html><html lang="en"><head><title>${code}</title></head><body><h1>${code}</h1></body></html>` });
  });
  return { page, problems };
}

async function openMap(watch: Watch, features = 'good'): Promise<void> {
  await watch.page.goto(`${base}/__map-fixture?features=${features}`);
  await watch.page.waitForSelector('[data-lantern-map][data-map-state="ready"], [data-lantern-map][data-map-state="failed"]', { timeout: 60_000 });
}

/** Where the centre of an area is drawn, in page coordinates. */
async function screenPoint(page: Page, lngLat: [number, number]): Promise<{ x: number; y: number }> {
  return page.evaluate((ll) => {
    const container = document.querySelector('[data-lantern-map]') as HTMLElement & { lanternMap: { project(p: [number, number]): { x: number; y: number }; getCanvas(): HTMLCanvasElement } };
    const point = container.lanternMap.project(ll);
    const box = container.lanternMap.getCanvas().getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  }, lngLat);
}

/** Reads pixels out of a screenshot in a blank page (the fixture's CSP forbids data: fetches). */
async function pixelsAt(context: BrowserContext, png: Buffer, points: Array<{ x: number; y: number }>): Promise<number[][]> {
  const scratch = await context.newPage();
  try {
    return await scratch.evaluate(async ({ data, points }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context2d = canvas.getContext('2d')!;
      context2d.drawImage(image, 0, 0);
      return points.map((p) => Array.from(context2d.getImageData(Math.round(p.x), Math.round(p.y), 1, 1).data.slice(0, 3)));
    }, { data: png.toString('base64'), points });
  } finally {
    await scratch.close();
  }
}

beforeAll(async () => {
  handle = await createTestDatabase();
  app = await buildTestApp(handle);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // The policy a real page is served with, nonce included, for the fixture to reuse.
  const signIn = await fetch(`${base}/sign-in`);
  csp = signIn.headers.get('content-security-policy') ?? '';
  nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await handle?.drop();
});

describe('the map island', () => {
  it('is served from the app with the real policy, and that policy is enforced on fixtures', async () => {
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(nonce).not.toBe('');
    for (const path of ['maplibre-gl.mjs', 'maplibre-gl-worker.mjs']) {
      const response = await fetch(`${base}/assets/maplibre/${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(/javascript/);
    }
    expect((await fetch(`${base}/assets/maplibre/maplibre-gl.css`)).headers.get('content-type')).toMatch(/text\/css/);
    expect((await fetch(`${base}/assets/maplibre/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/assets/images/favicon.ico`)).status, 'GOV.UK assets still served').toBe(200);

    const context = await browser.newContext();
    const watch = await openWatchedPage(context);
    await watch.page.goto(`${base}/__map-fixture/csp-probe`);
    expect(await watch.page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    expect(watch.problems.join('\n')).toMatch(/content security policy/i);
    await context.close();
  });

  it('draws the three areas in their colours, without CSP violations or accessibility failures', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const watch = await openWatchedPage(context);
    const workers: string[] = [];
    watch.page.on('worker', (worker) => workers.push(worker.url()));
    await openMap(watch);
    const { page } = watch;
    const map = page.locator('[data-lantern-map]');
    expect(await map.getAttribute('data-map-state')).toBe('ready');
    expect(await map.getAttribute('data-map-ready')).toBe('true');
    expect(await map.getAttribute('role')).toBe('region');
    expect(await map.getAttribute('aria-label')).toBe(LABEL);
    expect(await map.locator('.govuk-visually-hidden').textContent()).toBe('The same information is in the table below.');
    expect(await map.locator('canvas.maplibregl-canvas').getAttribute('tabindex')).toBe('0');
    expect(await map.locator('.maplibregl-ctrl-zoom-in').count()).toBe(1);
    const attribution = await map.locator('.maplibregl-ctrl-attrib').textContent();
    expect(attribution).toContain('Contains OS data © Crown copyright and database right');
    expect(attribution).toContain('Contains National Statistics data © Crown copyright and database right');
    expect(workers.some((url) => url.startsWith(`${base}/assets/maplibre/maplibre-gl-worker.mjs`)), workers.join(', ')).toBe(true);

    const hrefs = await page.evaluate(() => {
      const container = document.querySelector('[data-lantern-map]') as HTMLElement & { lanternMap: { queryRenderedFeatures(o: object): Array<{ properties: { href: string } }> } };
      return [...new Set(container.lanternMap.queryRenderedFeatures({ layers: ['lantern-fill'] }).map((f) => f.properties.href))].sort();
    });
    expect(hrefs).toEqual(AREAS.map((a) => `/__map-fixture/areas/${a.code}`).sort());

    // Each area's centre shows its fill at three quarters over the background.
    const points = await Promise.all(AREAS.map((a) => screenPoint(page, centreOf(a))));
    const pixels = await pixelsAt(context, await page.screenshot(), points);
    AREAS.forEach((area, i) => {
      const fill = [1, 3, 5].map((k) => Number.parseInt(area.fill.slice(k, k + 2), 16));
      const expected = fill.map((c, k) => 0.75 * c + 0.25 * BACKGROUND[k]!);
      pixels[i]!.forEach((value, k) => expect(Math.abs(value - expected[k]!), `${area.code} channel ${k}: ${pixels[i]} vs ${expected}`).toBeLessThanOrEqual(4));
    });

    await expectAccessible(page, 'map fixture');
    expect(watch.problems).toEqual([]);
    await context.close();
  });

  it('shows an area label on hover and opens its page on click', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const watch = await openWatchedPage(context);
    await openMap(watch);
    const { page } = watch;
    const [first, , third] = AREAS;
    const firstPoint = await screenPoint(page, centreOf(first!));
    await page.mouse.move(firstPoint.x, firstPoint.y);
    await expect.poll(() => page.locator('.lantern-map__tooltip').textContent()).toBe(`${first!.code} Kingsbridge: 12.3 per 1,000`);
    await expectAccessible(page, 'map fixture with a tooltip');

    const thirdPoint = await screenPoint(page, centreOf(third!));
    await page.mouse.click(thirdPoint.x, thirdPoint.y);
    await page.waitForURL(hrefOf(third!));
    expect(await page.locator('h1').textContent()).toBe(third!.code);
    expect(watch.problems).toEqual([]);
    await context.close();
  });

  it('opens the area at the centre with the keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const watch = await openWatchedPage(context);
    await openMap(watch);
    const { page } = watch;
    const middle = AREAS[1]!;
    await page.locator('[data-lantern-map] canvas.maplibregl-canvas').focus();
    await expect.poll(() => page.locator('.lantern-map__tooltip').textContent()).toBe(`${middle.code} Kingsbridge: 12.3 per 1,000`);
    await page.keyboard.press('Enter');
    await page.waitForURL(hrefOf(middle));
    expect(watch.problems).toEqual([]);
    await context.close();
  });

  it('falls back to a note when the features cannot be fetched', async () => {
    const context = await browser.newContext();
    const watch = await openWatchedPage(context);
    await openMap(watch, 'broken');
    const { page } = watch;
    const map = page.locator('[data-lantern-map]');
    expect(await map.getAttribute('data-map-state')).toBe('failed');
    expect(await map.locator('.govuk-inset-text').textContent()).toBe(FALLBACK);
    expect(await map.locator('canvas').count()).toBe(0);
    expect(await map.getAttribute('role')).toBeNull();
    await expectAccessible(page, 'map fixture, features failed');
    expect(watch.problems).toEqual([]);
    await context.close();
  });

  it('falls back to a note without WebGL', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        return /webgl/.test(type) ? null : (getContext as (...a: unknown[]) => unknown).call(this, type, ...rest);
      } as typeof getContext;
    });
    const watch = await openWatchedPage(context);
    await openMap(watch);
    const map = watch.page.locator('[data-lantern-map]');
    expect(await map.getAttribute('data-map-state')).toBe('failed');
    expect(await map.locator('.govuk-inset-text').textContent()).toBe(FALLBACK);
    expect(watch.problems).toEqual([]);
    await context.close();
  });
});
