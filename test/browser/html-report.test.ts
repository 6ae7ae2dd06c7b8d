// The standalone HTML report from renderHtmlReport, in headless Chromium: served from an origin and opened
// as a file, in light and dark colour schemes. It must load under its CSP and draw the same heatmaps as the
// webview (same bundle, same data).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderHtmlReport } from '../../core/report/html';
import type { DeclarationReport, RunReport } from '../../core/report/types';
import { cellColor, cellPoint, expectedColor, fixture, hoverCell, launch, near, openPage, openWebview, recorded, ROOT, screenshotPath, show } from './harness';

const NAMES = ['transposed-model', 'conv-border', 'kinks-nan', 'fast-mode', 'passing-model', 'large-tensor'];

function runOf(declarations: DeclarationReport[]): RunReport {
  const totals = { pass: 0, warn: 0, fail: 0, error: 0 };
  for (const d of declarations) totals[d.status]++;
  return {
    schema: 'gradlens.run',
    version: 1,
    tool: { name: 'gradlens', version: '0.1.0' },
    startedAt: '2026-11-25T12:00:00.000Z',
    timeMs: 31_000,
    files: [...new Set(declarations.map((d) => d.file))],
    declarations,
    totals,
  };
}

let browser: Browser;
let context: BrowserContext;
let html: string;
let file: string;
const declarations = NAMES.map(fixture);

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  html = renderHtmlReport(runOf(declarations), { title: 'Gradlens report: fixtures' });
  file = screenshotPath('report.html');
  writeFileSync(file, html);
});
after(async () => {
  await browser?.close();
});

async function grids(page: Page): Promise<Record<string, string>> {
  return page
    .locator('figure.gl-heatmap canvas')
    .evaluateAll((cs) =>
      Object.fromEntries(
        cs.map((c) => [
          `${c.closest('article')!.getAttribute('data-name')}/${c.closest('figure')!.getAttribute('data-tensor')}`,
          `${c.getAttribute('data-kind')} ${c.getAttribute('data-grid')}`,
        ]),
      ),
    );
}

describe('standalone HTML report', () => {
  test('loads under its CSP and draws every declaration', async () => {
    const { page, errors } = await openPage(context, { '/report.html': html }, '/report.html', { vscode: false });
    await page.waitForSelector('article.gl-declaration[data-name="bigLinear"] figure[data-tensor="proj.W"] canvas[data-area]');
    const r = await recorded(page, errors);
    assert.deepEqual(r.csp, []);
    assert.deepEqual(r.errors, []);
    assert.equal(await page.title(), 'Gradlens report: fixtures');
    assert.deepEqual(
      await page.locator('article.gl-declaration').evaluateAll((a) => a.map((e) => e.getAttribute('data-name'))),
      declarations.map((d) => d.name),
    );
    assert.equal(await page.locator('nav.gl-toc a').count(), NAMES.length);
    assert.match(await page.locator('.gl-run-summary').innerText(), /6 declarations in 6 files: 1 pass, 0 warn, 5 fail, 0 error/);
    // No editor: cells describe where the gradient is computed instead of offering to go there.
    const tip = await hoverCell(page, 'mlpTransposed/fc2.W', 1, 0);
    assert.match(tip, /fc2\.W\[0, 1\] — FAILS[\s\S]*gradient computed at mlp-transposed\.ts:36/);
    assert.doesNotMatch(tip, /Click/);
    const p = await cellPoint(page, 'mlpTransposed/fc2.W', 1, 0);
    await page.mouse.click(p.x, p.y);
    // chart.js handles the click on the next frame; give it two.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.deepEqual((await recorded(page, errors)).errors, []);
    await page.screenshot({ path: screenshotPath('report-light.png'), fullPage: false });
    await page.close();
  });

  test('shows the same heatmaps as the webview', async () => {
    const { page } = await openPage(context, { '/report.html': html }, '/report.html', { vscode: false });
    await page.waitForSelector('article[data-name="bigLinear"] figure[data-tensor="proj.W"] canvas[data-area]');
    const inReport = await grids(page);
    const inWebview: Record<string, string> = {};
    // One panel page, shown each declaration in turn (as a re-run would).
    const w = await openWebview(context);
    for (const d of declarations) {
      await show(w.page, d);
      Object.assign(inWebview, await grids(w.page));
      if (d.name === 'mlpTransposed') {
        for (const [x, y] of [
          [1, 0],
          [3, 3],
        ]) {
          const a = await cellColor(w.page, 'fc2.W', x, y);
          const b = await cellColor(page, 'mlpTransposed/fc2.W', x, y);
          assert.ok(near(a, b, 1), `fc2.W ${x},${y}: webview ${a}, report ${b}`);
        }
      }
    }
    await w.page.close();
    assert.equal(Object.keys(inReport).length, 18, Object.keys(inReport).join(', '));
    assert.deepEqual(inReport, inWebview);
    await page.close();
  });

  test('opens from a file and follows a dark colour scheme', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('article[data-name="conv2d"] figure[data-tensor="w"] canvas[data-area]');
    assert.deepEqual(errors, []);
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(30, 30, 30)');
    const report = declarations[0];
    const t = report.tensors.find((x) => x.path === 'fc2.W')!;
    const row = t.elements!.flat.indexOf(1);
    const got = await cellColor(page, 'mlpTransposed/fc2.W', 1, 0);
    assert.ok(near(got, await expectedColor(page, t.elements!.relErr[row], true, report)), `${got}`);
    await page.screenshot({ path: screenshotPath('report-dark.png'), fullPage: false });
    await page.close();
  });

  test('draws a real run of the examples (engine output, `gradlens check examples --json`)', async () => {
    const run: RunReport = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reports/examples-run.json'), 'utf8'));
    const page = await openPage(context, { '/examples.html': renderHtmlReport(run) }, '/examples.html', { vscode: false });
    const withElements = run.declarations.flatMap((d) => d.tensors.filter((t) => t.elements && t.elements.flat.length));
    await page.page.waitForFunction((n) => document.querySelectorAll('figure.gl-heatmap canvas[data-area]').length === n, withElements.length);
    const r = await recorded(page.page, page.errors);
    assert.deepEqual(r.csp, []);
    assert.deepEqual(r.errors, []);
    assert.equal(await page.page.locator('article.gl-declaration').count(), run.declarations.length);
    // Tensors whose gradient could not be compared say why instead of drawing.
    const problems = run.declarations.flatMap((d) => d.tensors.filter((t) => t.problem && !t.elements));
    assert.equal(await page.page.locator('figure.gl-nodata').count(), problems.length);
    await page.page.close();
  });
});
