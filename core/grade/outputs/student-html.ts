// A student's feedback as one self-contained HTML page (no script; the style allowed by hash in the page's
// CSP): scores per gradient, the feedback text, and a small bar per item.

import { createHash } from 'node:crypto';
import { roundScore, type StudentResult } from '../results';
import { escapeHtml } from './summary-html';

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;padding:0 16px;color:#1f2328;background:#fff}
h1{font-size:21px;margin:0 0 4px}h2{font-size:16px;margin:22px 0 6px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e6eaef;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
pre{background:#f6f8fa;border:1px solid #d1d9e0;border-radius:6px;padding:10px;white-space:pre-wrap;font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
.pass{color:#1a7f37}.fail{color:#cf222e}.total{font-size:18px;margin:4px 0 14px}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}pre{background:#161b22;border-color:#30363d}th,td{border-color:#30363d}}
`;

export function studentFeedbackHtml(result: StudentResult): string {
  const hash = createHash('sha256').update(STYLE).digest('base64');
  const sections = result.tasks
    .map((task) => {
      const rows = task.items
        .map((item) => {
          const ok = item.score >= item.maxScore;
          const label = item.key === 'forward' ? 'forward output' : item.key;
          return `<tr><td>${escapeHtml(label)}</td><td class="num ${ok ? 'pass' : 'fail'}">${roundScore(item.score)} / ${roundScore(item.maxScore)}</td><td>${escapeHtml(item.feedback.split('\n')[0])}</td></tr>`;
        })
        .join('');
      return (
        `<h2>${escapeHtml(task.name)} <small>(${escapeHtml(task.file)})</small>: ${roundScore(task.score)} / ${roundScore(task.maxScore)}</h2>` +
        `<table><tbody>${rows}</tbody></table><pre>${escapeHtml(task.feedback)}</pre>`
      );
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(result.assignment)}: ${escapeHtml(result.student)}</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(result.assignment)}</h1>
<p class="total">${escapeHtml(result.student)}: <b>${roundScore(result.score)} / ${roundScore(result.maxScore)}</b> points</p>
${sections}
</body></html>
`;
}
