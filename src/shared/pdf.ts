/**
 * HTML to PDF with the machine's Chromium (Debian's package, or CHROMIUM_PATH), driven by
 * Playwright. The document must stand alone: every request it would make is refused, so
 * a PDF can never fetch anything or leak that it was opened.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { LanternError } from './errors.ts';

/** Read when a PDF is made, so a changed setting needs no restart. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export async function htmlToPdf(html: string, options: { footer?: string } = {}): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new LanternError('pdf-unavailable', `Chromium was not found at ${executablePath}, so the PDF cannot be made. Install it (on Debian: apt-get install chromium) or set CHROMIUM_PATH to its path.`);
  }
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const footer = (options.footer ?? '').replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      // Tagged, with an outline from the headings: screen readers and navigation panes can read it.
      tagged: true,
      outline: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-family: Arial, sans-serif; font-size: 9px; width: 100%; padding: 0 16mm; display: flex; justify-content: space-between; color: #505a5f;"><span>${footer}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
    });
  } finally {
    await browser.close();
  }
}
