// Shared setup of the browser tests: Debian's chromium driven by playwright-core, pages served from a fake
// origin (https://gradlens.test) so the real CSP applies, acquireVsCodeApi stubbed to record what the webview
// posts and saves, and every CSP violation, console error and page error collected.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { DeclarationReport } from '../../core/report/types';
import { makeNonce, renderPage } from '../../core/report/page';
import chromiumConfig from '../chromium.json';
import { PROTOCOL_VERSION, type HostMessage, type ViewMessage, type ViewState } from '../../webview/protocol';

export const ROOT = resolve(__dirname, '../..');
export const DIST = join(ROOT, 'dist');
export const RESULTS = join(ROOT, 'test-results');
export const ORIGIN = 'https://gradlens.test';

const CHROMIUM = process.env.GRADLENS_CHROMIUM ?? chromiumConfig.executablePath;

export function requireBuild(): void {
  if (!existsSync(join(DIST, 'webview.js')) || !existsSync(join(DIST, 'webview.css'))) {
    throw new Error('dist/webview.js is missing: run `npm run build` before `npm run test:browser`.');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`No chromium at ${CHROMIUM}: apt-get install -y chromium (or set GRADLENS_CHROMIUM).`);
}

export async function launch(): Promise<Browser> {
  requireBuild();
  return chromium.launch({ executablePath: CHROMIUM, args: chromiumConfig.args, headless: true });
}

export function fixture(name: string): DeclarationReport {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reports', `${name}.json`), 'utf8'));
}

/** What the page did, as recorded by the init script. */
export interface Recorded {
  posted: ViewMessage[];
  state: ViewState | null;
  csp: string[];
  errors: string[];
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html' };

/**
 * A page on the fake origin. `pages` maps a path ('/index.html') to HTML; /dist/* is served from dist/.
 * The init script runs before any page script (CDP, not subject to the page's CSP).
 */
export async function openPage(
  context: BrowserContext,
  pages: Record<string, string>,
  path: string,
  options: { vscode: boolean; savedState?: ViewState | null },
): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname in pages) return route.fulfill({ status: 200, contentType: 'text/html', body: pages[url.pathname] });
    if (url.pathname.startsWith('/dist/')) {
      const file = join(DIST, url.pathname.slice('/dist/'.length));
      if (existsSync(file)) return route.fulfill({ status: 200, contentType: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
  // tsx compiles these tests with esbuild's keepNames, so functions sent to the page call a __name helper.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.addInitScript(
    ({ vscode, saved }) => {
      const w = window as unknown as Record<string, unknown>;
      w.__posted = [];
      w.__state = JSON.parse(saved);
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (w.__csp as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
      if (vscode) {
        let acquired = false;
        w.acquireVsCodeApi = () => {
          if (acquired) throw new Error('acquireVsCodeApi called twice');
          acquired = true;
          return {
            postMessage: (m: unknown) => (w.__posted as unknown[]).push(JSON.parse(JSON.stringify(m))),
            getState: () => w.__state,
            setState: (s: unknown) => {
              w.__state = JSON.parse(JSON.stringify(s));
            },
          };
        };
      }
    },
    // The saved state goes as a string, for the same reason as in send().
    { vscode: options.vscode, saved: JSON.stringify(options.savedState ?? null) },
  );
  await page.goto(`${ORIGIN}${path}`);
  return { page, errors };
}

/** The panel's page, exactly as extension/heatmap-panel.ts builds it, with the fake origin as cspSource. */
export function webviewHtml(): string {
  return renderPage({
    nonce: makeNonce(),
    cspSource: ORIGIN,
    title: 'Gradients',
    script: { src: `${ORIGIN}/dist/webview.js` },
    style: { href: `${ORIGIN}/dist/webview.css` },
  });
}

export async function openWebview(context: BrowserContext, savedState: ViewState | null = null) {
  return openPage(context, { '/index.html': webviewHtml() }, '/index.html', { vscode: true, savedState });
}

export async function send(page: Page, message: HostMessage): Promise<void> {
  // As a string: playwright's own serialisation of a large object (the 60,000-element report) takes seconds.
  await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
}

export async function show(page: Page, report: DeclarationReport, outdated = false): Promise<void> {
  await send(page, { v: PROTOCOL_VERSION, type: 'show', report, outdated });
  await page.waitForSelector(`article.gl-declaration[data-name="${report.name}"]`);
}

export async function recorded(page: Page, errors: string[]): Promise<Recorded> {
  const r = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return { posted: w.__posted as ViewMessage[], state: w.__state as ViewState | null, csp: w.__csp as string[] };
  });
  return { ...r, errors: [...errors] };
}

/** The canvas of a tensor's heatmap: 'fc2.W', or 'mlpTransposed/fc2.W' on a page with several declarations. */
export function heatmapCanvas(page: Page, tensor: string) {
  const slash = tensor.indexOf('/');
  const scope = slash < 0 ? '' : `article.gl-declaration[data-name="${tensor.slice(0, slash)}"] `;
  return page.locator(`${scope}figure.gl-heatmap[data-tensor="${tensor.slice(slash + 1)}"] canvas`);
}

/** Page coordinates of a cell's centre, from the chart area and grid the heatmap publishes on its canvas. */
export async function cellPoint(page: Page, tensor: string, x: number, y: number): Promise<{ x: number; y: number }> {
  const canvas = heatmapCanvas(page, tensor);
  await canvas.scrollIntoViewIfNeeded();
  const [area, grid, box] = await Promise.all([canvas.getAttribute('data-area'), canvas.getAttribute('data-grid'), canvas.boundingBox()]);
  if (!area || !grid || !box) throw new Error(`heatmap ${tensor} has not drawn`);
  const [left, top, width, height] = area.split(',').map(Number);
  const [cols, rows] = grid.split('x').map(Number);
  return { x: box.x + left + ((x + 0.5) * width) / cols, y: box.y + top + ((y + 0.5) * height) / rows };
}

/** The RGB of the canvas pixel at a cell's centre. */
export async function cellColor(page: Page, tensor: string, x: number, y: number): Promise<[number, number, number]> {
  const canvas = heatmapCanvas(page, tensor);
  const [area, grid] = await Promise.all([canvas.getAttribute('data-area'), canvas.getAttribute('data-grid')]);
  return canvas.evaluate(
    (el, { area, grid, x, y }) => {
      const c = el as HTMLCanvasElement;
      const [left, top, width, height] = area!.split(',').map(Number);
      const [cols, rows] = grid!.split('x').map(Number);
      const scale = c.width / c.getBoundingClientRect().width;
      const px = Math.floor((left + ((x + 0.5) * width) / cols) * scale);
      const py = Math.floor((top + ((y + 0.5) * height) / rows) * scale);
      const d = c.getContext('2d')!.getImageData(px, py, 1, 1).data;
      return [d[0], d[1], d[2]] as [number, number, number];
    },
    { area, grid, x, y },
  );
}

/** The distinct RGB colours inside a cell (a margin of `inset` pixels off each side): one for a solid cell. */
export async function cellPixels(page: Page, tensor: string, x: number, y: number, inset = 1): Promise<[number, number, number][]> {
  const canvas = heatmapCanvas(page, tensor);
  const [area, grid] = await Promise.all([canvas.getAttribute('data-area'), canvas.getAttribute('data-grid')]);
  return canvas.evaluate(
    (el, { area, grid, x, y, inset }) => {
      const c = el as HTMLCanvasElement;
      const [left, top, width, height] = area!.split(',').map(Number);
      const [cols, rows] = grid!.split('x').map(Number);
      const scale = c.width / c.getBoundingClientRect().width;
      const w = (width / cols) * scale;
      const h = (height / rows) * scale;
      const x0 = Math.ceil(left * scale + x * w + inset);
      const y0 = Math.ceil(top * scale + y * h + inset);
      const x1 = Math.floor(left * scale + (x + 1) * w - inset);
      const y1 = Math.floor(top * scale + (y + 1) * h - inset);
      const d = c.getContext('2d')!.getImageData(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0)).data;
      const seen = new Map<string, [number, number, number]>();
      for (let i = 0; i < d.length; i += 4) seen.set(`${d[i]},${d[i + 1]},${d[i + 2]}`, [d[i], d[i + 1], d[i + 2]]);
      return [...seen.values()];
    },
    { area, grid, x, y, inset },
  );
}

export function screenshotPath(name: string): string {
  mkdirSync(RESULTS, { recursive: true });
  return join(RESULTS, name);
}

/**
 * The colour a pass/fail cell of `report` should have, from the page's current theme ramps (what the legend shows):
 * failing cells on the fail ramp over the declaration's failing elements.
 */
export async function expectedColor(
  page: Page,
  relErr: number | null,
  failing: boolean,
  report: Pick<DeclarationReport, 'tensors' | 'tolerance'>,
): Promise<[number, number, number]> {
  const { failRange, parseColor, rampColor, scalePosition } = await import('../../webview/scale');
  const rtol = report.tolerance.rtol;
  const css = await page.evaluate(() => {
    const s = getComputedStyle(document.body);
    return ['pass-low', 'pass-high', 'fail-low', 'fail-high'].map((n) => s.getPropertyValue(`--gl-ramp-${n}`).trim());
  });
  const [passLow, passHigh, failLow, failHigh] = css.map((c) => parseColor(c)!);
  return rampColor(scalePosition(relErr), failing, scalePosition(rtol), { passLow, passHigh, failLow, failHigh }, failRange(report));
}

export function near(a: number[], b: number[], tolerance = 3): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

/** The row of a flat index in a tensor's element columns. */
export function elementRow(report: DeclarationReport, tensor: string, flat: number): number {
  const t = report.tensors.find((x) => x.path === tensor)!;
  return t.elements!.flat.indexOf(flat);
}

/**
 * Points at a cell and returns the tooltip's text. chart.js handles pointer events on the next animation
 * frame, so this waits for the tooltip rather than reading it straight after the move.
 */
export async function hoverCell(page: Page, tensor: string, x: number, y: number): Promise<string> {
  const tooltip = page.locator('#gl-tooltip');
  await page.mouse.move(1, 1);
  await tooltip.waitFor({ state: 'hidden' });
  const p = await cellPoint(page, tensor, x, y);
  await page.mouse.move(p.x, p.y);
  await tooltip.waitFor({ state: 'visible' });
  return tooltip.innerText();
}

/** Clicks a cell and waits for the message the click posts (also handled on the next animation frame). */
export async function clickCell(page: Page, tensor: string, x: number, y: number): Promise<ViewMessage> {
  const before = await page.evaluate(() => ((window as unknown as { __posted: unknown[] }).__posted ?? []).length);
  const p = await cellPoint(page, tensor, x, y);
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction((n) => ((window as unknown as { __posted: unknown[] }).__posted ?? []).length > n, before);
  return (await page.evaluate(() => (window as unknown as { __posted: ViewMessage[] }).__posted.at(-1)))!;
}
