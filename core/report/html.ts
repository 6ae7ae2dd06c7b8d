// The standalone HTML report (`gradlens check --html report.html`, the grader's per-student feedback): one
// self-contained file with the webview bundle and stylesheet inlined, the run embedded as JSON, and the same
// strict CSP as the editor panel. It draws the same heatmaps as the VS Code panel because it runs the same
// bundle (dist/webview.js), which is read at run time, so `npm run build` must have produced it.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { makeNonce, renderPage } from './page';
import { countRun } from './run';
import type { RunReport } from './types';
import { plural } from './words';

export interface HtmlReportOptions {
  title?: string;
  /** The folder holding webview.js and webview.css (default: found next to the running code, see below). */
  assetsDir?: string;
}

const SCRIPT = 'webview.js';
const STYLE = 'webview.css';

/**
 * Folders that may hold the bundle, nearest first. Bundled code (dist/cli.js, dist/extension.js) finds it
 * in its own folder; code run from sources (core/report/html.ts under tsx) finds the repo's dist/ a few
 * levels up; an installed package's bin script, via process.argv[1], finds its package's dist/.
 */
export function assetCandidates(): string[] {
  const starts = new Set<string>();
  if (typeof __dirname === 'string') starts.add(__dirname);
  if (process.argv[1]) starts.add(dirname(resolve(process.argv[1])));
  if (typeof require !== 'undefined' && require.main?.filename) starts.add(dirname(require.main.filename));
  const out: string[] = [];
  for (const start of starts) {
    let dir = start;
    for (let up = 0; up < 5; up++) {
      out.push(dir, join(dir, 'dist'));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return [...new Set(out)];
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

export function findWebviewAssets(assetsDir?: string): string {
  const candidates = assetsDir ? [assetsDir] : assetCandidates();
  const found = candidates.find((dir) => isFile(join(dir, SCRIPT)) && isFile(join(dir, STYLE)));
  if (!found) {
    throw new Error(
      `Gradlens could not find its heatmap bundle (${SCRIPT} and ${STYLE}). Looked in:\n  ${candidates.join('\n  ')}\n` +
        'Run `npm run build` in the Gradlens folder to produce dist/.',
    );
  }
  return found;
}

/** "Gradlens report: 12 declarations, 2 failing; 1 file could not be checked" (files are not declarations). */
export function defaultTitle(run: RunReport): string {
  const { declarations, brokenFiles, totals } = countRun(run);
  const bad = totals.fail + totals.error;
  const verdict = bad ? `${bad} failing` : totals.warn ? `${totals.warn} with warnings` : declarations.length ? 'all passing' : 'nothing checked';
  const files = brokenFiles ? `; ${plural(brokenFiles, 'file')} could not be checked` : '';
  return `Gradlens report: ${plural(declarations.length, 'declaration')}, ${verdict}${files}`;
}

export function renderHtmlReport(run: RunReport, options: HtmlReportOptions = {}): string {
  const dir = findWebviewAssets(options.assetsDir);
  const title = options.title ?? defaultTitle(run);
  return renderPage({
    nonce: makeNonce(),
    title,
    heading: title,
    script: { inline: readFileSync(join(dir, SCRIPT), 'utf8') },
    style: { inline: readFileSync(join(dir, STYLE), 'utf8') },
    data: run,
  });
}
