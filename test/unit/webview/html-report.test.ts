import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assetCandidates, findWebviewAssets, renderHtmlReport } from '../../../core/report/html';
import type { RunReport } from '../../../core/report/types';

const run: RunReport = {
  schema: 'gradlens.run',
  version: 1,
  tool: { name: 'gradlens', version: '0.1.0' },
  startedAt: '2026-01-01T00:00:00Z',
  timeMs: 10,
  files: [],
  declarations: [],
  totals: { pass: 0, warn: 0, fail: 0, error: 0 },
};

function assets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gradlens-assets-'));
  writeFileSync(join(dir, 'webview.js'), 'window.loaded = "</script>";\n//# sourceMappingURL=webview.js.map\n');
  writeFileSync(join(dir, 'webview.css'), 'body { color: red }\n/*# sourceMappingURL=webview.css.map */');
  return dir;
}

test('the report inlines the bundle and the run under one nonce', () => {
  const html = renderHtmlReport(run, { title: 'Feedback for <student>', assetsDir: assets() });
  const nonce = /nonce="([^"]+)"/.exec(html)![1];
  assert.ok(html.includes(`script-src &#39;nonce-${nonce}&#39;`));
  assert.ok(html.includes(`<script nonce="${nonce}">window.loaded = "\\x3C/script>";`));
  assert.ok(html.includes(`<style nonce="${nonce}">body { color: red }`));
  assert.ok(html.includes('<script type="application/json" id="gradlens-data">{"schema":"gradlens.run"'));
  assert.ok(html.includes('<h1 class="gl-page-title">Feedback for &lt;student&gt;</h1>'));
  assert.ok(!html.includes('sourceMappingURL'));
  assert.notEqual(nonce, /nonce="([^"]+)"/.exec(renderHtmlReport(run, { assetsDir: assets() }))![1]);
});

test('a missing bundle is a clear error naming where it looked', () => {
  const empty = mkdtempSync(join(tmpdir(), 'gradlens-empty-'));
  assert.throws(
    () => findWebviewAssets(empty),
    (e: Error) => e.message.includes(empty) && e.message.includes('npm run build'),
  );
});

test('from sources the bundle is looked for in the repository dist/', () => {
  const repoDist = join(__dirname, '../../../dist');
  assert.ok(assetCandidates().includes(repoDist), assetCandidates().join('\n'));
});
