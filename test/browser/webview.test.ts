// The heatmap webview in headless Chromium, loaded exactly as the VS Code panel loads it (same page, same
// CSP), driven through the typed messages with acquireVsCodeApi stubbed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { formatError, formatValue } from '../../webview/format';
import { PROTOCOL_VERSION, type ViewState } from '../../webview/protocol';
import {
  cellColor,
  cellPoint,
  clickCell,
  elementRow,
  expectedColor,
  fixture,
  heatmapCanvas,
  hoverCell,
  launch,
  near,
  openWebview,
  recorded,
  screenshotPath,
  send,
  show,
} from './harness';

let browser: Browser;
let context: BrowserContext;

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
});
after(async () => {
  await browser?.close();
});

async function assertClean(page: Page, errors: string[]): Promise<void> {
  const r = await recorded(page, errors);
  assert.deepEqual(r.csp, [], 'CSP violations');
  assert.deepEqual(r.errors, [], 'console errors');
}

async function posted(page: Page) {
  return (await recorded(page, [])).posted;
}

describe('heatmap webview', () => {
  test('a model gets one row per layer, one heatmap per tensor, a legend and a bar chart', async () => {
    const { page, errors } = await openWebview(context);
    assert.deepEqual(await posted(page), [{ v: PROTOCOL_VERSION, type: 'ready' }]);
    const report = fixture('passing-model');
    await show(page, report);
    assert.deepEqual(await page.locator('section.gl-layer').evaluateAll((s) => s.map((e) => e.getAttribute('data-group'))), ['fc1', 'fc2']);
    assert.deepEqual(await page.locator('section[data-group="fc1"] figure.gl-heatmap').evaluateAll((f) => f.map((e) => e.getAttribute('data-tensor'))), [
      'fc1.W',
      'fc1.b',
    ]);
    assert.equal(await heatmapCanvas(page, 'fc1.W').getAttribute('data-grid'), '16x8');
    assert.equal(await heatmapCanvas(page, 'fc1.b').getAttribute('data-grid'), '16x1');
    assert.equal(await heatmapCanvas(page, 'fc1.W').getAttribute('data-kind'), 'elements');
    assert.match((await page.locator('.gl-legend canvas').getAttribute('aria-label')) ?? '', /rtol 1e-6/);
    assert.equal(await page.locator('.gl-legend-special li').count(), 0, 'no special states, no swatches');
    assert.match((await page.locator('.gl-bars-box').getAttribute('aria-label')) ?? '', /per layer: fc1: .*; fc2: /);
    assert.match(await page.locator('.gl-badge').first().innerText(), /pass/i);
    assert.match(await page.locator('.gl-cost').innerText(), /forward passes .* 2 workers/);
    // Every cell is coloured by its relative error on the pass ramp.
    for (const [x, y] of [
      [0, 0],
      [5, 3],
      [15, 7],
    ]) {
      const row = elementRow(report, 'fc1.W', y * 16 + x);
      const t = report.tensors[0];
      const want = await expectedColor(page, t.elements!.relErr[row], false, report);
      const got = await cellColor(page, 'fc1.W', x, y);
      assert.ok(near(got, want), `cell ${x},${y}: ${got} vs ${want}`);
    }
    await assertClean(page, errors);
    await page.close();
  });

  test('failing cells take the fail ramp; the tooltip shows the numbers; a click asks to reveal the source', async () => {
    const { page, errors } = await openWebview(context);
    const report = fixture('transposed-model');
    await show(page, report);
    const t = report.tensors.find((x) => x.path === 'fc2.W')!;
    const fail = await cellColor(page, 'fc2.W', 1, 0);
    const row = elementRow(report, 'fc2.W', 1);
    assert.equal(t.elements!.state[row], 'fail');
    assert.ok(near(fail, await expectedColor(page, t.elements!.relErr[row], true, report)), `${fail}`);
    const pass = await cellColor(page, 'fc2.W', 2, 2);
    assert.ok(near(pass, await expectedColor(page, t.elements!.relErr[elementRow(report, 'fc2.W', 22)], false, report)), `${pass}`);
    assert.ok(fail[0] > fail[2] && pass[2] > pass[0], 'fail is orange, pass is blue');
    assert.match(await page.locator('.gl-hints').innerText(), /looks transposed/);

    const text = await hoverCell(page, 'fc2.W', 1, 0);
    assert.match(text, /fc2\.W\[0, 1\] — FAILS/);
    assert.ok(text.includes(`analytic   ${formatValue(t.elements!.analytic[row])}`), text);
    assert.ok(text.includes(`numeric    ${formatValue(t.elements!.numeric[row])}`), text);
    for (const label of ['rel. error', 'abs. error', 'error est.', 'flat index 1', 'Click or press Enter to go to mlp-transposed.ts:36'])
      assert.ok(text.includes(label), label);
    // The picture in the docs: the whole view with a failing cell's tooltip open (`npm run screenshots` copies it
    // from test-results/ to docs/images/).
    await page.setViewportSize({ width: 1000, height: 1120 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await hoverCell(page, 'fc2.W', 3, 1);
    await page.screenshot({ path: screenshotPath('heatmap.png') });
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.mouse.move(1, 1);
    await page.locator('#gl-tooltip').waitFor({ state: 'hidden' });

    assert.deepEqual(await clickCell(page, 'fc2.W', 1, 0), { v: PROTOCOL_VERSION, type: 'reveal', range: t.source, tensor: 'fc2.W', flat: 1 });
    // The header's location link reveals the declaration itself.
    await page.locator('.gl-header .gl-link').click();
    assert.deepEqual((await posted(page)).at(-1), { v: PROTOCOL_VERSION, type: 'reveal', range: report.range, tensor: '', flat: null });
    await page.screenshot({ path: screenshotPath('webview-transposed-light.png'), fullPage: true });
    await assertClean(page, errors);
    await page.close();
  });

  test("each tensor's worst element is marked and named; failing colours keep their order above the tolerance", async () => {
    const { page, errors } = await openWebview(context);
    const report = fixture('transposed-model');
    await show(page, report);
    const t = report.tensors.find((x) => x.path === 'fc2.W')!;
    const worst = t.worst!;
    const [wy, wx] = worst.index;
    // Named in the tensor's header, with its numbers.
    const named = page.locator('figure[data-tensor="fc2.W"] .gl-worst');
    // The worst is the element furthest over its own tolerance, as the CLI and the diagnostics name it.
    assert.equal(
      await named.innerText(),
      `worst fc2.W[${wy}, ${wx}]: ${formatError(worst.margin)}× its tolerance, rel. err ${formatError(worst.relErr)} (analytic ${formatValue(worst.analytic)} vs numeric ${formatValue(worst.numeric)})`,
    );
    assert.equal(await named.getAttribute('data-flat'), String(worst.flat));
    // Marked on its cell: corner brackets in the foreground colour, just outside the cell's top-left corner.
    const canvas = heatmapCanvas(page, 'fc2.W');
    assert.equal(await canvas.getAttribute('data-worst'), `${wx},${wy}`);
    const bracket = await canvas.evaluate(
      (el, { x, y }) => {
        const c = el as HTMLCanvasElement;
        const [left, top, width, height] = c.dataset.area!.split(',').map(Number);
        const [cols, rows] = c.dataset.grid!.split('x').map(Number);
        const w = width / cols;
        const h = height / rows;
        const side = Math.max(10, w + 4, h + 4);
        const scale = c.width / c.getBoundingClientRect().width;
        // On the top arm, a little right of the corner.
        const px = Math.round((left + (x + 0.5) * w - side / 2 + side * 0.15) * scale);
        const py = Math.round((top + (y + 0.5) * h - side / 2) * scale);
        const d = c.getContext('2d')!.getImageData(px, py, 1, 1).data;
        return [d[0], d[1], d[2]];
      },
      { x: wx, y: wy },
    );
    const fg = await page.evaluate(() => getComputedStyle(document.body).getPropertyValue('--gl-fg').trim());
    const { parseColor } = await import('../../webview/scale');
    assert.ok(near(bracket, parseColor(fg)!, 40), `the marker is drawn in the foreground colour: ${bracket} vs ${fg}`);
    // The name moves the keyboard cursor to the marked cell and says it is the worst.
    await named.click();
    const live = page.locator('figure[data-tensor="fc2.W"] [aria-live]');
    assert.match(await live.innerText(), new RegExp(`^fc2\\.W\\[${wy}, ${wx}\\] — FAILS\\. the worst of fc2\\.W`));
    // Failing cells are ordered by how far over the tolerance they are: a larger relative error is further along
    // the fail ramp (and the worst failing element of the declaration is its darkest colour).
    const failingRows = t.elements!.state.flatMap((s, row) => (s === 'fail' ? [row] : []));
    const byErr = failingRows.sort((a, b) => t.elements!.relErr[a]! - t.elements!.relErr[b]!);
    const [low, high] = [byErr[0], byErr[byErr.length - 1]];
    const cellOf = (row: number) => [t.elements!.flat[row] % t.shape[1], Math.floor(t.elements!.flat[row] / t.shape[1])] as const;
    await page.mouse.move(1, 1);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const lowColour = await cellColor(page, 'fc2.W', ...cellOf(low));
    const highColour = await cellColor(page, 'fc2.W', ...cellOf(high));
    assert.ok(near(lowColour, await expectedColor(page, t.elements!.relErr[low], true, report)), `${lowColour}`);
    assert.ok(near(highColour, await expectedColor(page, t.elements!.relErr[high], true, report)), `${highColour}`);
    if (t.elements!.relErr[high]! > 2 * t.elements!.relErr[low]!) {
      const lightness = (c: number[]) => c[0] + c[1] + c[2];
      assert.ok(lightness(highColour) < lightness(lowColour), `the larger error is darker: ${highColour} vs ${lowColour}`);
    }
    // A tensor that passes names its largest error instead.
    const passing = report.tensors.find((x) => x.status === 'pass' && x.worst)!;
    assert.match(await page.locator(`figure[data-tensor="${passing.path}"] .gl-worst`).innerText(), /^largest error at /);
    await assertClean(page, errors);
    await page.close();
  });

  test('kinks, NaN and unchecked elements get their own patterns, and the legend lists them', async () => {
    const { page, errors } = await openWebview(context);
    const report = fixture('kinks-nan');
    await show(page, report);
    // x is 6×10: [1, 3] is NaN, [0, 0] unchecked, [3, 4] a kink ((3 + 8) % 11 = 0).
    const sample = async (x: number, y: number) => {
      const canvas = heatmapCanvas(page, 'x');
      const [area, grid] = await Promise.all([canvas.getAttribute('data-area'), canvas.getAttribute('data-grid')]);
      return canvas.evaluate(
        (el, { area, grid, x, y }) => {
          const [left, top, width, height] = area!.split(',').map(Number);
          const [cols, rows] = grid!.split('x').map(Number);
          const w = width / cols,
            h = height / rows;
          const ctx = (el as HTMLCanvasElement).getContext('2d')!;
          const out: string[] = [];
          for (let i = 2; i < w - 3; i++) {
            for (let j = 2; j < h - 3; j++) {
              const d = ctx.getImageData(Math.floor(left + x * w + i), Math.floor(top + y * h + j), 1, 1).data;
              out.push(`${d[0]},${d[1]},${d[2]}`);
            }
          }
          return [...new Set(out)];
        },
        { area, grid, x, y },
      );
    };
    const nan = await sample(3, 1);
    const unchecked = await sample(0, 0);
    const kink = await sample(4, 3);
    const pass = await sample(5, 5);
    assert.equal(pass.length, 1, 'a passing cell is a solid colour');
    for (const [name, colours] of [
      ['NaN', nan],
      ['unchecked', unchecked],
      ['kink', kink],
    ] as const) {
      assert.ok(colours.length > 1, `${name} cells are patterned, not solid`);
      assert.ok(!colours.includes(pass[0]), `${name} differs from a passing cell`);
    }
    const main = (c: string[]) => c.slice().sort()[0];
    assert.notEqual(main(nan), main(kink));
    assert.deepEqual(await page.locator('.gl-legend-special li').evaluateAll((l) => l.map((e) => e.getAttribute('data-state'))), [
      'kink',
      'nonfinite',
      'unchecked',
    ]);
    assert.match(await hoverCell(page, 'x', 3, 1), /x\[1, 3\] — NaN or Infinity[\s\S]*analytic +NaN\/Inf/);
    assert.match(await page.locator('.gl-findings').innerText(), /ERROR\s+grad returned NaN/i);
    await assertClean(page, errors);
    await page.close();
  });

  test('the keyboard reaches every heatmap, moves the cursor, and opens the source', async () => {
    const { page, errors } = await openWebview(context);
    const report = fixture('transposed-model');
    await show(page, report);
    // Tab order: the header link, then per tensor the name of its worst element (which moves the cursor to it) and
    // its heatmap.
    const reached: string[] = [];
    for (let i = 0; i < 13; i++) {
      await page.keyboard.press('Tab');
      reached.push(
        await page.evaluate(() => {
          const el = document.activeElement;
          const tensor = el?.closest('figure')?.getAttribute('data-tensor');
          return tensor ? `${tensor}${el?.classList.contains('gl-worst') ? ' worst' : ''}` : (el?.className ?? '');
        }),
      );
    }
    const tensors = ['fc1.W', 'fc1.b', 'fc2.W', 'fc2.b', 'fc3.W', 'fc3.b'];
    assert.deepEqual(reached, ['gl-link', ...tensors.flatMap((t) => [`${t} worst`, t])]);
    const box = page.locator('figure[data-tensor="fc2.W"] .gl-canvas-box');
    await box.focus();
    const live = page.locator('figure[data-tensor="fc2.W"] [aria-live]');
    // The cursor starts on the worst cell.
    assert.match(await live.innerText(), /FAILS/);
    await page.keyboard.press('Home');
    assert.match(await live.innerText(), /^fc2\.W\[0, 0\] — passes/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.match(await live.innerText(), /^fc2\.W\[2, 1\] — FAILS/);
    assert.match(await page.locator('#gl-tooltip').innerText(), /fc2\.W\[2, 1\]/);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.match(await live.innerText(), /^fc2\.W\[2, 0\]/, 'stops at the edge');
    await page.keyboard.press('Enter');
    const t = report.tensors.find((x) => x.path === 'fc2.W')!;
    assert.deepEqual((await posted(page)).at(-1), { v: PROTOCOL_VERSION, type: 'reveal', range: t.source, tensor: 'fc2.W', flat: 20 });
    await assertClean(page, errors);
    await page.close();
  });

  test('the 200×300 tensor is tiled; a tile opens its elements; Escape goes back; the zoom is saved', async () => {
    const { page, errors } = await openWebview(context);
    const report = fixture('large-tensor');
    const started = Date.now();
    await show(page, report);
    const canvas = heatmapCanvas(page, 'proj.W');
    assert.equal(await canvas.getAttribute('data-kind'), 'tiles');
    assert.equal(await canvas.getAttribute('data-grid'), '60x50');
    assert.ok(Date.now() - started < 10_000, `rendered in ${Date.now() - started} ms`);
    const t = report.tensors.find((x) => x.path === 'proj.W')!;
    assert.match(await page.locator('figure[data-tensor="proj.W"] .gl-caption').innerText(), /tiles of 4×5 elements/);
    const failTile = await cellColor(page, 'proj.W', 8, 30);
    assert.ok(failTile[0] > failTile[2], `failing tile is orange: ${failTile}`);
    assert.match(await hoverCell(page, 'proj.W', 8, 30), /rows 120–123, columns 40–44 — 20 elements[\s\S]*20 failing[\s\S]*zoom in/);
    const p = await cellPoint(page, 'proj.W', 8, 30);
    await page.mouse.click(p.x, p.y);
    await page.waitForFunction(() => document.querySelector('figure[data-tensor="proj.W"] canvas')?.getAttribute('data-kind') === 'elements');
    assert.equal(await heatmapCanvas(page, 'proj.W').getAttribute('data-grid'), '64x64');
    assert.ok(await page.locator('figure[data-tensor="proj.W"] .gl-zoombar').isVisible());
    assert.deepEqual((await recorded(page, [])).state?.drill, { tensor: 'proj.W', x: 8, y: 30 });
    assert.match(await page.locator('figure[data-tensor="proj.W"] .gl-caption').innerText(), /rows 90–153, columns 10–73/);
    // Element (120, 40) is at (30, 30) in the window: a failing element, on the fail ramp.
    const row = elementRow(report, 'proj.W', 120 * 300 + 40);
    const got = await cellColor(page, 'proj.W', 30, 30);
    assert.ok(near(got, await expectedColor(page, t.elements!.relErr[row], true, report)), `${got}`);
    await page.screenshot({ path: screenshotPath('webview-large-zoomed.png'), fullPage: true });
    // Keyboard: the cursor is on the opened tile; Enter reveals, Escape returns to the tiles.
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { v: PROTOCOL_VERSION, type: 'reveal', range: t.source, tensor: 'proj.W', flat: 120 * 300 + 40 });
    await page.keyboard.press('Escape');
    assert.equal(await heatmapCanvas(page, 'proj.W').getAttribute('data-kind'), 'tiles');
    assert.equal((await recorded(page, [])).state?.drill, null);
    assert.ok(await page.locator('figure[data-tensor="proj.W"] .gl-zoombar').isHidden());
    // A tile opens from the keyboard as well.
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    assert.equal(await heatmapCanvas(page, 'proj.W').getAttribute('data-kind'), 'elements');
    await page.locator('figure[data-tensor="proj.W"] .gl-back').click();
    assert.equal(await heatmapCanvas(page, 'proj.W').getAttribute('data-kind'), 'tiles');
    // Too large to keep in the webview state: the host's lookup supplies it after a reload.
    assert.equal((await recorded(page, [])).state?.report, null);
    await assertClean(page, errors);
    await page.close();
  });

  test('conv filters are drawn as labelled slices with the border errors visible', async () => {
    const { page, errors } = await openWebview(context);
    const report = fixture('conv-border');
    await show(page, report);
    assert.equal(await heatmapCanvas(page, 'w').getAttribute('data-kind'), 'slices');
    assert.equal(await heatmapCanvas(page, 'w').getAttribute('data-grid'), '11x31');
    assert.equal(await heatmapCanvas(page, 'x').getAttribute('data-grid'), '26x17');
    // x[0, 0, 0, 3] is on the border (fails), x[0, 0, 3, 3] inside (passes).
    const border = await cellColor(page, 'x', 3, 0);
    const inside = await cellColor(page, 'x', 3, 3);
    assert.ok(border[0] > border[2] && inside[2] > inside[0], `${border} / ${inside}`);
    assert.match(await hoverCell(page, 'w', 4, 8), /^w\[2, 1, 0, 0\]/);
    assert.match(await page.locator('.gl-cost').innerText(), /3 upstream gradients/);
    await page.screenshot({ path: screenshotPath('webview-conv-light.png'), fullPage: true });
    await assertClean(page, errors);
    await page.close();
  });

  test('a fast-mode report shows its directions instead of heatmaps', async () => {
    const { page, errors } = await openWebview(context);
    await show(page, fixture('fast-mode'));
    assert.equal(await page.locator('figure.gl-directions').count(), 3);
    assert.equal(await page.locator('figure.gl-heatmap canvas').count(), 0);
    assert.equal(await page.locator('figure[data-tensor="v.W"] tbody tr.gl-fail').count(), 4);
    assert.equal(await page.locator('figure[data-tensor="q.W"] tbody tr.gl-pass').count(), 2);
    assert.equal(await page.locator('.gl-legend').count(), 0, 'no element colours to explain');
    assert.match((await page.locator('.gl-bars-box').getAttribute('aria-label')) ?? '', /v: .*\(fails\)/);
    await assertClean(page, errors);
    await page.close();
  });

  test('a re-run redraws in place; an edit marks the view outdated until then', async () => {
    const { page, errors } = await openWebview(context);
    await show(page, fixture('transposed-model'));
    await send(page, { v: PROTOCOL_VERSION, type: 'outdated' });
    await page.locator('.gl-outdated').waitFor({ state: 'visible' });
    assert.equal((await recorded(page, [])).state?.outdated, true);
    const fixed = fixture('passing-model');
    fixed.name = 'mlpTransposed';
    fixed.file = fixture('transposed-model').file;
    await show(page, fixed);
    assert.ok(await page.locator('.gl-outdated').isHidden());
    assert.equal(await page.locator('article.gl-declaration').count(), 1);
    assert.match(await page.locator('.gl-badge').first().innerText(), /pass/i);
    await assertClean(page, errors);
    await page.close();
  });

  test('after a reload the saved state is drawn at once, zoom included', async () => {
    const first = await openWebview(context);
    await show(first.page, fixture('conv-border'));
    const saved = (await recorded(first.page, [])).state!;
    assert.deepEqual(saved.key, { file: fixture('conv-border').file, name: 'conv2d' });
    assert.equal(saved.report?.name, 'conv2d');
    await first.page.close();
    const { page, errors } = await openWebview(context, saved);
    await page.waitForSelector('article.gl-declaration[data-name="conv2d"]');
    assert.equal(await heatmapCanvas(page, 'w').getAttribute('data-grid'), '11x31');
    assert.deepEqual(await posted(page), [{ v: PROTOCOL_VERSION, type: 'ready' }]);
    await assertClean(page, errors);
    await page.close();
    // A zoomed tile comes back zoomed.
    const large = fixture('large-tensor');
    const state: ViewState = {
      v: PROTOCOL_VERSION,
      key: { file: large.file, name: large.name },
      report: large,
      outdated: true,
      drill: { tensor: 'proj.W', x: 8, y: 30 },
    };
    const again = await openWebview(context, state);
    await again.page.waitForSelector('article.gl-declaration[data-name="bigLinear"]');
    assert.equal(await heatmapCanvas(again.page, 'proj.W').getAttribute('data-kind'), 'elements');
    assert.ok(await again.page.locator('.gl-outdated').isVisible());
    await assertClean(again.page, again.errors);
    await again.page.close();
  });

  test('colours follow the VS Code theme: dark and high contrast', async () => {
    const { page, errors } = await openWebview(context);
    const report = fixture('transposed-model');
    await show(page, report);
    const t = report.tensors.find((x) => x.path === 'fc2.W')!;
    const light = await cellColor(page, 'fc2.W', 1, 0);
    const setTheme = (cls: string, bg: string, fg: string) =>
      page.evaluate(
        ({ cls, bg, fg }) => {
          // As VS Code does it: through the CSSOM (a style attribute would be blocked by the CSP).
          document.documentElement.style.setProperty('--vscode-editor-background', bg);
          document.documentElement.style.setProperty('--vscode-editor-foreground', fg);
          document.body.className = cls;
        },
        { cls, bg, fg },
      );
    const before = await heatmapCanvas(page, 'fc2.W').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    await setTheme('vscode-dark', '#1e1e1e', '#d4d4d4');
    await page.waitForFunction((before) => {
      const c = document.querySelector('figure[data-tensor="fc2.W"] canvas') as HTMLCanvasElement;
      return c && c.dataset.area && before !== c.toDataURL();
    }, before);
    const dark = await cellColor(page, 'fc2.W', 1, 0);
    assert.ok(!near(dark, light), 'redrawn with the dark ramp');
    const row = elementRow(report, 'fc2.W', 1);
    assert.ok(near(dark, await expectedColor(page, t.elements!.relErr[row], true, report)), `${dark}`);
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(30, 30, 30)');
    await page.screenshot({ path: screenshotPath('webview-transposed-dark.png'), fullPage: true });
    await setTheme('vscode-high-contrast', '#000000', '#ffffff');
    await page.waitForTimeout(150);
    const hc = await cellColor(page, 'fc2.W', 1, 0);
    assert.ok(near(hc, await expectedColor(page, t.elements!.relErr[row], true, report)), `${hc}`);
    await page.screenshot({ path: screenshotPath('webview-transposed-hc.png'), fullPage: true });
    await assertClean(page, errors);
    await page.close();
  });
});
