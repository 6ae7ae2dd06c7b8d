// Entry of the heatmap bundle (dist/webview.js). In a VS Code webview it talks to extension/heatmap-panel.ts
// through the typed messages in protocol.ts and keeps its state across reloads; in the standalone HTML report
// (core/report/html.ts) it renders the run embedded in the page. The same code draws both.

import './styles.css';
import type { DeclarationReport, RunReport } from '../core/report/types';
import { countRun, isFileReport } from '../core/report/run';
import { plural } from '../core/report/words';
import { applyChartTheme } from './charts';
import { DeclarationView, type DeclarationHost } from './declaration';
import { h, statusBadge } from './dom';
import { formatMs } from './format';
import { makePatterns, type Patterns } from './patterns';
import {
  isHostMessage,
  isViewState,
  listedElements,
  MAX_STATE_ELEMENTS,
  PROTOCOL_VERSION,
  type DrillState,
  type ViewMessage,
  type ViewState,
} from './protocol';
import { onThemeChange, readTheme, type Theme } from './theme';

interface VsCodeApi {
  postMessage(message: ViewMessage): void;
  getState(): unknown;
  setState(state: ViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let theme: Theme = readTheme();
let patterns: Patterns = makePatterns(theme);
applyChartTheme(theme);
const views = new Set<DeclarationView>();

onThemeChange(() => {
  theme = readTheme();
  patterns = makePatterns(theme);
  applyChartTheme(theme);
  for (const v of views) v.applyTheme();
});

const root = document.getElementById('gradlens-root') ?? document.body;

function runInEditor(vscode: VsCodeApi): void {
  const saved = vscode.getState();
  let state: ViewState = isViewState(saved) ? saved : { v: PROTOCOL_VERSION, key: null, report: null, outdated: false, drill: null };
  let current: DeclarationView | null = null;

  const save = () => vscode.setState(state);
  const host: DeclarationHost = {
    theme: () => theme,
    patterns: () => patterns,
    reveal: (range, tensor, flat) => vscode.postMessage({ v: PROTOCOL_VERSION, type: 'reveal', range, tensor, flat }),
    onZoom: (drill: DrillState | null) => {
      state = { ...state, drill };
      save();
    },
  };

  const show = (report: DeclarationReport, outdated: boolean) => {
    const same = state.key?.file === report.file && state.key?.name === report.name;
    // A re-run keeps the reader where they were: same scroll position, same zoomed tile.
    const scroll = same ? window.scrollY : 0;
    const drill = same ? state.drill : null;
    if (current) {
      current.destroy();
      views.delete(current);
    }
    current = new DeclarationView(report, host, drill);
    current.setOutdated(outdated);
    views.add(current);
    root.replaceChildren(current.root);
    window.scrollTo(0, scroll);
    document.title = `Gradients: ${report.name}`;
    const keep = listedElements(report) <= MAX_STATE_ELEMENTS;
    state = { v: PROTOCOL_VERSION, key: { file: report.file, name: report.name }, report: keep ? report : null, outdated, drill };
    save();
  };

  window.addEventListener('message', (event: MessageEvent) => {
    const message = event.data;
    if (!isHostMessage(message)) return;
    if (message.type === 'show') {
      show(message.report, message.outdated);
    } else {
      current?.setOutdated(true);
      state = { ...state, outdated: true };
      save();
    }
  });

  if (state.report) show(state.report, state.outdated);
  else root.replaceChildren(h('p', { class: 'gl-waiting', text: 'Waiting for the check to finish…' }));
  vscode.postMessage({ v: PROTOCOL_VERSION, type: 'ready' });
}

function runStandalone(): void {
  const data = document.getElementById('gradlens-data');
  let parsed: unknown;
  try {
    parsed = JSON.parse(data?.textContent ?? 'null');
  } catch {
    parsed = null;
  }
  const host: DeclarationHost = { theme: () => theme, patterns: () => patterns, reveal: null, onZoom: () => {} };
  const run = parsed as RunReport | DeclarationReport | null;
  if (run && run.schema === 'gradlens.report') {
    const view = new DeclarationView(run, host);
    views.add(view);
    root.replaceChildren(view.root);
    return;
  }
  if (!run || run.schema !== 'gradlens.run') {
    root.replaceChildren(h('p', { class: 'gl-error', text: 'This report has no data Gradlens can read.' }));
    return;
  }
  // Files that could not be checked are listed among the declarations but counted as files.
  const { declarations, brokenFiles: broken, totals } = countRun(run);
  const nav = h(
    'nav',
    { class: 'gl-toc', attrs: { 'aria-label': 'Declarations' } },
    h(
      'ol',
      {},
      ...run.declarations.map((d, i) => {
        const file = d.file.split(/[\\/]/).pop();
        const name = isFileReport(d) ? h('span', { class: 'gl-muted', text: 'could not check ' }) : h('code', { text: d.name });
        const link = h(
          'a',
          { attrs: { href: `#decl-${i}` } },
          statusBadge(d.status, { partial: d.partial }),
          ' ',
          name,
          h('span', { class: 'gl-muted', text: isFileReport(d) ? (file ?? '') : ` ${file}` }),
        );
        return h('li', {}, link, d.summary ? h('span', { class: 'gl-toc-summary', text: ` — ${d.summary}` }) : '');
      }),
    ),
  );
  const summary = h(
    'p',
    { class: 'gl-run-summary' },
    `${plural(declarations.length, 'declaration')} in ${plural(run.files.length, 'file')}: `,
    `${totals.pass} pass, ${totals.warn} warn, ${totals.fail} fail, ${totals.error} error`,
    broken ? `, ${plural(broken, 'file')} not checked` : '',
    ` · ${formatMs(run.timeMs)} · gradlens ${run.tool.version} · ${run.startedAt}`,
  );
  const sections = run.declarations.map((d, i) => {
    const view = new DeclarationView(d, host);
    views.add(view);
    view.root.id = `decl-${i}`;
    return view.root;
  });
  root.replaceChildren(summary, nav, ...sections);
}

if (typeof acquireVsCodeApi === 'function') runInEditor(acquireVsCodeApi());
else runStandalone();
