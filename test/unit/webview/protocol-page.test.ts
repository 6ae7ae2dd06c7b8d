import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DeclarationReport } from '../../../core/report/types';
import { describeCell } from '../../../webview/describe';
import { overview } from '../../../webview/layout';
import { contentSecurityPolicy, embedJson, inlineScript, makeNonce, renderPage } from '../../../core/report/page';
import { isHostMessage, isViewMessage, isViewState, listedElements, PROTOCOL_VERSION } from '../../../webview/protocol';

const load = (name: string): DeclarationReport => JSON.parse(readFileSync(join(__dirname, '../../fixtures/reports', `${name}.json`), 'utf8'));
const range = { file: '/a.ts', start: { line: 1, column: 2 }, end: { line: 1, column: 9 } };

test('the host accepts only well-formed, current-version messages', () => {
  assert.ok(isViewMessage({ v: PROTOCOL_VERSION, type: 'ready' }));
  assert.ok(isViewMessage({ v: PROTOCOL_VERSION, type: 'reveal', range, tensor: 'W', flat: 3 }));
  assert.ok(isViewMessage({ v: PROTOCOL_VERSION, type: 'reveal', range, tensor: 'W', flat: null }));
  assert.ok(!isViewMessage({ v: PROTOCOL_VERSION + 1, type: 'ready' }));
  assert.ok(!isViewMessage({ v: PROTOCOL_VERSION, type: 'reveal', range: { file: 1 }, tensor: 'W', flat: 3 }));
  assert.ok(!isViewMessage({ v: PROTOCOL_VERSION, type: 'reveal', range, tensor: 'W', flat: -1 }));
  assert.ok(!isViewMessage({ v: PROTOCOL_VERSION, type: 'run-command' }));
  assert.ok(!isViewMessage(null));
  assert.ok(isHostMessage({ v: PROTOCOL_VERSION, type: 'show', report: load('fast-mode'), outdated: false }));
  assert.ok(!isHostMessage({ v: PROTOCOL_VERSION, type: 'show', report: null, outdated: false }));
  assert.ok(isViewState({ v: PROTOCOL_VERSION, key: { file: '/a.ts', name: 'f' }, report: null, outdated: false, drill: null }));
  assert.ok(!isViewState({ v: PROTOCOL_VERSION, key: { file: 1 }, report: null, outdated: false, drill: null }));
  assert.equal(listedElements(load('large-tensor')), 60_000 + 300 + 3000 + 10);
});

test('the page allows only nonce-carrying scripts and styles', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(nonce, makeNonce());
  const csp = contentSecurityPolicy(nonce, 'https://x.test');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'`));
  assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
  assert.doesNotMatch(contentSecurityPolicy(nonce), /font-src|https:/);
  const html = renderPage({
    nonce,
    title: 'a <b>',
    heading: 'x',
    script: { inline: 'let s = "</script>";' },
    style: { inline: 'body{}' },
    data: { s: '</script><script>alert(1)</script>' },
  });
  assert.equal(html.match(/<script/g)!.length, 2);
  assert.ok(html.includes('<title>a &lt;b&gt;</title>'));
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.ok(html.includes(`<style nonce="${nonce}">`));
});

test('embedded JSON and scripts cannot close their element early', () => {
  const json = embedJson({ s: '</script><!-- \u2028' });
  assert.ok(!json.includes('<'));
  assert.deepEqual(JSON.parse(json), { s: '</script><!-- \u2028' });
  const code = inlineScript('const a = "</script>"; const b = /<!--/;\n//# sourceMappingURL=webview.js.map\n');
  assert.ok(!/<\/script|<!--|sourceMappingURL/i.test(code));
  // The escapes mean the same: the string is unchanged and the regex matches the same text.
  assert.deepEqual(new Function(`${code}; return [a, b.test('<!--')];`)(), ['</script>', true]);
});

test('a cell describes its numbers, and what clicking does', () => {
  const report = load('transposed-model');
  const t = report.tensors.find((x) => x.path === 'fc2.W')!;
  const view = overview(t);
  const cell = view.cells.find((c) => c.x === 1 && c.y === 0)!;
  const d = describeCell(t, cell, true);
  assert.match(d.title, /^fc2\.W\[0, 1\] — FAILS$/);
  for (const label of ['analytic', 'numeric', 'rel. error', 'abs. error', 'error est.'])
    assert.ok(
      d.lines.some((l) => l.startsWith(label)),
      label,
    );
  assert.match(d.action!, /mlp-transposed\.ts:36/);
  const standalone = describeCell(t, cell, false);
  assert.equal(standalone.action, null);
  assert.ok(standalone.lines.some((l) => /mlp-transposed\.ts:36/.test(l)));
});
