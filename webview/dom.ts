// A tiny element builder. Report strings (messages, paths, file names) come from user code and are only ever
// set as text, never parsed as HTML.

type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
  return el;
}

/** A status word with a symbol, so the verdict never depends on colour alone; 'partial' when the check stopped early. */
export function statusBadge(status: string, options: { partial?: boolean } = {}): HTMLElement {
  const symbol: Record<string, string> = { pass: '✓', warn: '!', fail: '✗', error: '⚠' };
  const label: Record<string, string> = { pass: 'pass', warn: 'warning', fail: 'fail', error: 'error' };
  const word = label[status] ?? status;
  const partial = !!options.partial;
  return h(
    'span',
    {
      class: `gl-badge gl-${status}${partial ? ' gl-partial' : ''}`,
      attrs: partial ? { title: 'The check stopped early (time limit or cancellation): this is what it measured before it stopped.' } : {},
    },
    h('span', { class: 'gl-badge-symbol', text: symbol[status] ?? '?', attrs: { 'aria-hidden': 'true' } }),
    word,
    partial ? h('span', { class: 'gl-badge-partial', text: ' · partial' }) : '',
  );
}
