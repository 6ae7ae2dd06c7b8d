// A tensor of 1,000,000 elements checked by a block search, in headless Chromium: blocks painted where no
// element was compared (hatched, apart from solid element cells), the located failing element, the words for
// directions-only tensors, what was not checked, and a partial check. Screenshots go to a fresh temp folder.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { renderHtmlReport } from '../../core/report/html';
import type { DeclarationReport, RunReport } from '../../core/report/types';
import { BIG, bigReport } from '../unit/webview/block-fixtures';
import { cellColor, cellPixels, cellPoint, expectedColor, heatmapCanvas, hoverCell, launch, near, openPage, openWebview, recorded, show } from './harness';

let browser: Browser;
let context: BrowserContext;
const shots = mkdtempSync(join(tmpdir(), 'gradlens-blocks-'));
const report = bigReport();
const W = 'enc.W';
// 16×16 tiles: the failing element's tile, a tile of the unnarrowed failing block (row 612), of the kink block
// (row 88), a passing one, and one of the rows the search never reached (960–999).
const FAIL_TILE = [Math.floor((BIG.failing % 1000) / 16), Math.floor(BIG.failing / 1000 / 16)] as const;
const OPEN_TILE = [30, Math.floor(BIG.open / 16)] as const;
const KINK_TILE = [30, Math.floor(BIG.kink / 16)] as const;
const PASS_TILE = [5, 10] as const;
const UNREACHED_TILE = [5, 61] as const;

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
});
after(async () => {
  await browser?.close();
  console.log(`# screenshots in ${shots}`);
});

async function assertClean(page: Page, errors: string[]): Promise<void> {
  const r = await recorded(page, errors);
  assert.deepEqual(r.csp, [], 'CSP violations');
  assert.deepEqual(r.errors, [], 'console errors');
}

const orange = ([r, , b]: number[]) => r > b + 40;
const bluish = ([r, , b]: number[]) => b > r;
const key = (c: number[]) => c.join(',');

/** What the heatmap should show, in whichever theme the page is in. */
async function assertPainted(page: Page, theme: string): Promise<void> {
  const t = report.tensors[0];
  const row = t.elements!.flat.indexOf(BIG.failing);
  // The tile with the failing element: solid, on the fail ramp at the element's relative error.
  const solid = await cellPixels(page, W, ...FAIL_TILE);
  assert.equal(solid.length, 1, `${theme}: the failing element's tile is solid: ${JSON.stringify(solid)}`);
  const want = await expectedColor(page, t.elements!.relErr[row], true, report);
  assert.ok(near(solid[0], want), `${theme}: ${solid[0]} vs ${want}`);
  // The unnarrowed failing block: hatched (two colours or more), orange throughout, never the solid fail colour.
  const open = await cellPixels(page, W, ...OPEN_TILE);
  assert.ok(open.length > 1, `${theme}: a failing block is hatched, not solid`);
  assert.ok(open.every(orange), `${theme}: the failing block is orange: ${JSON.stringify(open)}`);
  assert.ok(!open.some((c) => near(c, solid[0], 6)), `${theme}: a failing block never looks like a failing element`);
  const pass = await cellPixels(page, W, ...PASS_TILE);
  assert.ok(pass.length > 1 && pass.every(bluish), `${theme}: a passing block is a blue hatch: ${JSON.stringify(pass)}`);
  const kink = await cellPixels(page, W, ...KINK_TILE);
  assert.ok(kink.length > 1, `${theme}: kink blocks are hatched`);
  assert.ok(!kink.some((c) => open.some((o) => key(o) === key(c))), `${theme}: a kink block differs from a failing one`);
  const unreached = await cellPixels(page, W, ...UNREACHED_TILE);
  assert.ok(
    !unreached.some((c) => pass.some((p) => key(p) === key(c)) || open.some((o) => key(o) === key(c))),
    `${theme}: unreached blocks have their own look`,
  );
}

describe('a 1,000,000-element tensor checked by blocks', () => {
  test('blocks are painted where no element was compared, the failing element on top; tooltips name the block', async () => {
    const { page, errors } = await openWebview(context);
    const started = Date.now();
    await show(page, report);
    const canvas = heatmapCanvas(page, W);
    await canvas.waitFor();
    assert.equal(await canvas.getAttribute('data-kind'), 'tiles');
    assert.equal(await canvas.getAttribute('data-grid'), '63x63');
    assert.ok(Date.now() - started < 10_000, `rendered in ${Date.now() - started} ms`);
    const caption = await page.locator(`figure[data-tensor="${W}"] .gl-caption`).innerText();
    assert.match(caption, /1000×1000 in tiles of 16×16 elements, each showing its worst element or block/);
    assert.match(caption, /16 of 1,000,000 elements were compared one by one; the other cells are hatched/);
    await assertPainted(page, 'light');
    assert.deepEqual(await page.locator('.gl-legend-special li').evaluateAll((l) => l.map((e) => e.getAttribute('data-state'))), [
      'block-fail',
      'block-kink',
      'block-pass',
      'unchecked',
    ]);

    // Tooltips: a tile of the failing block names it; the failing element's tile counts the failure.
    const open = await hoverCell(page, W, ...OPEN_TILE);
    assert.match(open, /rows 608–623, columns 480–495 — 256 elements/);
    assert.match(open, /blocks \(elements not compared\): 1 fail, 15 pass/);
    assert.match(open, /worst block flat 612,000–612,999 \(1,000 elements\)\s+enc\.W\[612, 0\] to enc\.W\[612, 999\]\s+direction FAILS, margin 8400/);
    assert.match(await hoverCell(page, W, ...FAIL_TILE), /1 failing[\s\S]*worst: enc\.W\[437, 251\] \(FAILS\)/);
    await page.screenshot({ path: join(shots, 'blocks-light.png'), fullPage: true });
    await page.locator(`figure[data-tensor="${W}"]`).screenshot({ path: join(shots, 'blocks-heatmap-light.png') });

    // Opening the failing tile: the element is solid and says which block it is in; its neighbours show blocks.
    await page.mouse.move(1, 1);
    const p = await cellPoint(page, W, ...FAIL_TILE);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction((w) => document.querySelector(`figure[data-tensor="${w}"] canvas`)?.getAttribute('data-kind') === 'elements', W);
    // Zooming focuses the heatmap and shows its cursor's tooltip; leave the keyboard so hovering decides.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // The window is rows 408–471, columns 216–279: element (437, 251) is at (35, 29).
    assert.match(await page.locator(`figure[data-tensor="${W}"] .gl-caption`).innerText(), /rows 408–471, columns 216–279/);
    const el = await hoverCell(page, W, 35, 29);
    assert.match(el, /^enc\.W\[437, 251\] — FAILS/);
    assert.match(el, /in block flat 437,250–437,265 \(16 elements\): direction FAILS/);
    const t = report.tensors[0];
    const want = await expectedColor(page, t.elements!.relErr[t.elements!.flat.indexOf(BIG.failing)], true, report);
    // chart.js draws the hovered cell in its hover colour: read colours with the pointer away.
    await page.mouse.move(1, 1);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const got = await cellColor(page, W, 35, 29);
    assert.ok(near(got, want), `zoomed failing element: ${got} vs ${want}`);
    // (437, 271): not compared, in the passing half next to the narrowed leaf.
    const neighbour = await hoverCell(page, W, 55, 29);
    assert.match(neighbour, /^enc\.W\[437, 271\] — not compared; a direction through its block passes/);
    assert.match(neighbour, /block flat 437,266–437,2\d\d/);
    await page.mouse.move(1, 1);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const hatch = await cellPixels(page, W, 55, 29);
    assert.ok(hatch.length > 1 && hatch.every(bluish), `a passing block's cell: ${JSON.stringify(hatch)}`);
    await page.locator(`figure[data-tensor="${W}"]`).screenshot({ path: join(shots, 'blocks-zoomed-light.png') });
    await page.locator(`figure[data-tensor="${W}"] .gl-back`).click();
    assert.equal(await heatmapCanvas(page, W).getAttribute('data-kind'), 'tiles');
    await assertClean(page, errors);
    await page.close();
  });

  test('directions-only tensors, direction states, what was not checked, and a partial check are all said', async () => {
    const { page, errors } = await openWebview(context);
    await show(page, report);
    // The badge says the check is partial, and why there is a note.
    assert.match(await page.locator('.gl-header .gl-badge').first().innerText(), /fail\s*·\s*partial/i);
    assert.match(await page.locator('.gl-partial-note').innerText(), /stopped early/);
    assert.equal(
      await page.locator('.gl-unchecked li[data-tensor="enc.W"]').innerText(),
      'enc.W 1 deviating block (1,000 elements) not narrowed down to elements; the evaluation budget ran out.',
    );
    assert.match(await page.locator('figure[data-tensor="enc.W"] .gl-unchecked-note').innerText(), /^Not checked: 1 deviating block/);
    // enc.W: element statistics and blocks; its own directions folded under the heatmap, built when opened.
    assert.match(await page.locator('figure[data-tensor="enc.W"] .gl-stats').innerText(), /max rel\. error 0\.02 · 1 of 16 fail · \d+ of 1,012 blocks fail/);
    const details = page.locator('figure[data-tensor="enc.W"] details.gl-dir-details');
    const own = report.tensors[0].directions.filter((d) => d.scope === 'enc.W');
    const count = (state: string) => own.filter((d) => d.state === state).length;
    assert.equal(
      await details.locator('summary').innerText(),
      `${own.length.toLocaleString('en-US')} directions through enc.W: ${count('fail')} fail, 1 kink, ${count('pass')} pass`,
    );
    assert.equal(await details.locator('tbody tr').count(), 0, 'built when opened');
    await details.locator('summary').click();
    // 'toggle' is dispatched after the click, as a task of its own: wait for the table it builds.
    await details.locator('tbody tr').first().waitFor();
    assert.equal(await details.locator('tbody tr').count(), own.length);
    assert.equal(await details.locator('tbody tr[data-state="kink"]').count(), 1);
    // dec.W: no element compared: "directions only", its own two directions with their states, not the joint ones.
    const dec = page.locator('figure.gl-directions[data-tensor="dec.W"]');
    assert.equal(await dec.locator('.gl-stats').innerText(), 'directions only · 2 directions · margin 2.1');
    assert.deepEqual(await dec.locator('tbody tr').evaluateAll((r) => r.map((e) => e.getAttribute('data-state'))), ['pass', 'within-rtol']);
    assert.match(await dec.locator('tbody tr[data-state="within-rtol"]').innerText(), /whole tensor\s+500,000\s+[\s\S]*2\.1\s+≈\s*within rtol/);
    assert.equal(await page.locator('figure[data-tensor="dec.W"] canvas').count(), 0);
    // The joint directions: listed once, under "All tensors".
    const joint = page.locator('section[data-scope="all"]');
    assert.equal(await joint.locator('h3').innerText(), 'All tensors');
    assert.equal(await joint.locator('tbody tr[data-state="fail"]').count(), 2);
    assert.equal(await page.locator('td', { hasText: /^all tensors$/ }).count(), 2);
    // Bars: dec is measured by dec.W's own margin (2.1), hatched on the margin axis; enc by its elements.
    const bars = (await page.locator('.gl-bars-box').getAttribute('aria-label')) ?? '';
    assert.match(bars, /enc: max rel\. err 0\.02 \(fails\)/);
    assert.match(bars, /; dec: W: directions only, direction margin 2\.1$/);
    assert.match(await page.locator('.gl-bars .gl-caption').innerText(), /Hatched bars: no element compared/);
    await page.locator('.gl-overview').screenshot({ path: join(shots, 'blocks-bars-light.png') });
    await page.locator('section[data-group="dec"]').screenshot({ path: join(shots, 'blocks-directions-light.png') });
    await assertClean(page, errors);
    await page.close();
  });

  test('in the dark theme, in VS Code and in the standalone report, the same cells read the same way', async () => {
    const { page, errors } = await openWebview(context);
    await show(page, report);
    const before = await heatmapCanvas(page, W).evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    await page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-editor-background', '#1e1e1e');
      document.documentElement.style.setProperty('--vscode-editor-foreground', '#d4d4d4');
      document.body.className = 'vscode-dark';
    });
    await page.waitForFunction(
      ({ before, w }) => {
        const c = document.querySelector(`figure[data-tensor="${w}"] canvas`) as HTMLCanvasElement;
        return c && c.dataset.area && before !== c.toDataURL();
      },
      { before, w: W },
    );
    await assertPainted(page, 'dark');
    await page.screenshot({ path: join(shots, 'blocks-dark.png'), fullPage: true });
    await page.locator(`figure[data-tensor="${W}"]`).screenshot({ path: join(shots, 'blocks-heatmap-dark.png') });
    await page.locator('.gl-overview').screenshot({ path: join(shots, 'blocks-bars-dark.png') });
    await assertClean(page, errors);
    await page.close();

    const run: RunReport = {
      schema: 'gradlens.run',
      version: 1,
      tool: { name: 'gradlens', version: '0.1.0' },
      startedAt: '2026-11-25T12:00:00.000Z',
      timeMs: report.timeMs,
      files: [report.file],
      declarations: [report as DeclarationReport],
      totals: { pass: 0, warn: 0, fail: 1, error: 0 },
    };
    const dark = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1, colorScheme: 'dark' });
    const standalone = await openPage(dark, { '/report.html': renderHtmlReport(run) }, '/report.html', { vscode: false });
    await standalone.page.waitForSelector(`figure[data-tensor="${W}"] canvas[data-area]`);
    assert.equal(await heatmapCanvas(standalone.page, W).getAttribute('data-grid'), '63x63');
    assert.match(await standalone.page.locator('nav.gl-toc .gl-badge').innerText(), /partial/i);
    await assertPainted(standalone.page, 'standalone dark');
    await standalone.page.screenshot({ path: join(shots, 'blocks-report-dark.png'), fullPage: true });
    await assertClean(standalone.page, standalone.errors);
    await dark.close();
  });
});
