// The class summary page: score histogram, pass rate per item, most common hints, and every student's row.
// Self-contained and CSP-safe: charts are inline SVG (no script at all), the one <style> block is allowed
// by its hash in the page's own Content-Security-Policy.

import { createHash } from 'node:crypto';
import { roundScore, type ClassResult } from '../results';
import type { ClassStats } from '../stats';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#59636e;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d1d9e0;border-radius:6px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;margin-top:6px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6eaef;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{fill:#0969da}.bar.low{fill:#cf222e}.bar.mid{fill:#bf8700}.bar.high{fill:#1a7f37}
.axis{font-size:11px;fill:#59636e}.label{font-size:12px;fill:#1f2328}
.err{color:#cf222e}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th{background:#161b22}th,td{border-color:#30363d}.card{border-color:#30363d}.label{fill:#e6edf3}.meta,.axis{fill:#9198a1;color:#9198a1}}
`;

function histogramSvg(stats: ClassStats): string {
  const width = 640;
  const height = 220;
  const pad = { left: 36, right: 10, top: 12, bottom: 34 };
  const maxCount = Math.max(1, ...stats.histogram.map((b) => b.count));
  const bw = (width - pad.left - pad.right) / stats.histogram.length;
  const plotH = height - pad.top - pad.bottom;
  const bars = stats.histogram
    .map((b, i) => {
      const h = (b.count / maxCount) * plotH;
      const x = pad.left + i * bw;
      const fraction = stats.maxScore > 0 ? b.to / stats.maxScore : 0;
      const cls = fraction < 0.5 ? 'low' : fraction < 0.8 ? 'mid' : 'high';
      const label = b.from === b.to ? `${roundScore(b.from)}` : `${roundScore(b.from)}–${roundScore(b.to)}`;
      return (
        `<rect class="bar ${cls}" x="${(x + 2).toFixed(1)}" y="${(pad.top + plotH - h).toFixed(1)}" width="${(bw - 4).toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(label)} points: ${b.count} students</title></rect>` +
        (b.count
          ? `<text class="label" x="${(x + bw / 2).toFixed(1)}" y="${(pad.top + plotH - h - 3).toFixed(1)}" text-anchor="middle">${b.count}</text>`
          : '') +
        `<text class="axis" x="${(x + bw / 2).toFixed(1)}" y="${height - pad.bottom + 14}" text-anchor="middle">${escapeHtml(label)}</text>`
      );
    })
    .join('');
  return (
    `<svg role="img" aria-label="Score histogram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<line x1="${pad.left}" y1="${pad.top + plotH}" x2="${width - pad.right}" y2="${pad.top + plotH}" stroke="#8c959f"/>` +
    bars +
    `<text class="axis" x="${(width / 2).toFixed(0)}" y="${height - 4}" text-anchor="middle">points</text>` +
    `</svg>`
  );
}

function passRateSvg(stats: ClassStats): string {
  const rowH = 22;
  const labelW = 260;
  const barW = 320;
  const height = stats.items.length * rowH + 8;
  const rows = stats.items
    .map((item, i) => {
      const rate = item.attempted ? item.passed / item.attempted : 0;
      const y = 4 + i * rowH;
      const cls = rate < 0.5 ? 'low' : rate < 0.8 ? 'mid' : 'high';
      const name = `${item.task}: ${item.key === 'forward' ? 'forward output' : item.key}`;
      return (
        `<text class="label" x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(name.length > 40 ? `${name.slice(0, 39)}…` : name)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${barW}" height="${rowH - 6}" fill="#eaeef2"/>` +
        `<rect class="bar ${cls}" x="${labelW}" y="${y + 3}" width="${(rate * barW).toFixed(1)}" height="${rowH - 6}"><title>${escapeHtml(name)}: ${item.passed} of ${item.attempted}</title></rect>` +
        `<text class="label" x="${labelW + barW + 8}" y="${y + 15}">${Math.round(rate * 100)}% (${item.passed}/${item.attempted})</text>`
      );
    })
    .join('');
  return `<svg role="img" aria-label="Pass rate per gradient" viewBox="0 0 ${labelW + barW + 110} ${height}" width="${labelW + barW + 110}" height="${height}">${rows}</svg>`;
}

export function summaryHtml(result: ClassResult, stats: ClassStats, generatedAt = new Date().toISOString()): string {
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src data:`;
  const pct = (x: number) => (stats.maxScore > 0 ? `${Math.round((100 * x) / stats.maxScore)}%` : '—');
  const hintRows = stats.hints.length
    ? stats.hints.map((h) => `<tr><td>${escapeHtml(h.code)}</td><td class="num">${h.count}</td><td>${escapeHtml(h.example)}</td></tr>`).join('')
    : '<tr><td colspan="3">No hints: every compared gradient matched or could not be compared.</td></tr>';
  const denialRows = stats.denials
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.student)}</td><td>${escapeHtml(d.task)}</td><td>${escapeHtml(d.kind)}${d.atImport ? ' (at import)' : ''}</td><td>${escapeHtml(d.call)}</td><td>${escapeHtml(d.resource ?? '')}</td></tr>`,
    )
    .join('');
  const errorRows = stats.errors.map((e) => `<tr><td>${escapeHtml(e.code)}</td><td class="num">${e.count}</td></tr>`).join('');
  const studentRows = [...result.students]
    .sort((a, b) => a.student.localeCompare(b.student))
    .map((s) => {
      const problems = s.tasks.filter((t) => t.error).map((t) => `${t.name}: ${t.error!.message}`);
      const tasks = result.tasks
        .map((layout) => s.tasks.find((t) => t.name === layout.name))
        .map((t) => `<td class="num">${t ? `${roundScore(t.score)}/${roundScore(t.maxScore)}` : '—'}</td>`)
        .join('');
      return `<tr><td>${escapeHtml(s.student)}</td>${tasks}<td class="num"><b>${roundScore(s.score)}</b>/${roundScore(s.maxScore)}</td><td class="err">${escapeHtml(problems.join('; '))}</td></tr>`;
    })
    .join('');
  const taskHeads = result.tasks.map((t) => `<th class="num">${escapeHtml(t.name)}</th>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(result.assignment)}: class summary</title>
<style>${STYLE}</style></head><body>
<h1>${escapeHtml(result.assignment)}: class summary</h1>
<p class="meta">${stats.students} submissions graded by Gradlens, ${escapeHtml(generatedAt)}</p>
<div class="cards">
<div class="card">Mean<b>${stats.mean.toFixed(1)} / ${roundScore(stats.maxScore)}</b>${pct(stats.mean)}</div>
<div class="card">Median<b>${roundScore(stats.median)}</b>${pct(stats.median)}</div>
<div class="card">Full marks<b>${stats.perfect}</b>of ${stats.students}</div>
</div>
<h2>Score histogram</h2>
${histogramSvg(stats)}
<h2>Pass rate per gradient</h2>
${passRateSvg(stats)}
<h2>Most common hints</h2>
<table><thead><tr><th>hint</th><th class="num">students</th><th>example</th></tr></thead><tbody>${hintRows}</tbody></table>
${errorRows ? `<h2>Tasks that could not be run</h2><table><thead><tr><th>reason</th><th class="num">tasks</th></tr></thead><tbody>${errorRows}</tbody></table>` : ''}
${denialRows ? `<h2>Refused accesses</h2><p class="meta">Every read or write outside a submission, process start, link out or kill of another process the grader refused, also those the student's code caught; each costs its task all points.</p><table><thead><tr><th>student</th><th>task</th><th>kind</th><th>call</th><th>resource</th></tr></thead><tbody>${denialRows}</tbody></table>` : ''}
<h2>Students</h2>
<table><thead><tr><th>student</th>${taskHeads}<th class="num">total</th><th>problems</th></tr></thead><tbody>${studentRows}</tbody></table>
</body></html>
`;
}
