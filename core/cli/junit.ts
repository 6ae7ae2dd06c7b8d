// JUnit XML for CI systems: one <testsuite> per file, one <testcase> per declaration.

import * as path from 'node:path';
import type { RunReport } from '../report/types';
import { describeTensorProblem } from '../report/words';
import { escapeXml } from '../report/xml';

export function junitXml(run: RunReport, cwd = process.cwd()): string {
  const byFile = new Map<string, RunReport['declarations']>();
  for (const d of run.declarations) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  const suites: string[] = [];
  for (const [file, decls] of byFile) {
    const rel = path.relative(cwd, file) || file;
    const failures = decls.filter((d) => d.status === 'fail').length;
    const errors = decls.filter((d) => d.status === 'error').length;
    const time = decls.reduce((a, d) => a + d.timeMs, 0) / 1000;
    const cases = decls.map((d) => {
      const attrs = `classname="${escapeXml(rel)}" name="${escapeXml(d.name)}" time="${(d.timeMs / 1000).toFixed(3)}"`;
      const details = [
        d.summary,
        ...d.tensors.filter((t) => t.status !== 'pass').map((t) => describeTensorProblem(t)),
        ...d.findings.filter((f) => f.code !== 'kink').map((f) => f.message),
      ].join('\n');
      if (d.status === 'fail')
        return `    <testcase ${attrs}>\n      <failure message="${escapeXml(d.summary)}" type="gradient-mismatch">${escapeXml(details)}</failure>\n    </testcase>`;
      if (d.status === 'error')
        return `    <testcase ${attrs}>\n      <error message="${escapeXml(d.summary)}" type="${escapeXml(d.findings[0]?.code ?? 'error')}">${escapeXml(details)}</error>\n    </testcase>`;
      if (d.status === 'warn') return `    <testcase ${attrs}>\n      <system-out>${escapeXml(details)}</system-out>\n    </testcase>`;
      return `    <testcase ${attrs}/>`;
    });
    suites.push(
      `  <testsuite name="${escapeXml(rel)}" tests="${decls.length}" failures="${failures}" errors="${errors}" skipped="0" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const t = run.totals;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gradlens" tests="${run.declarations.length}" failures="${t.fail}" errors="${t.error}" time="${(run.timeMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
