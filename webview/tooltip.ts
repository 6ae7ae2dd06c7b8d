// One HTML tooltip shared by every chart on the page (chart.js's own is drawn into the canvas: not themable
// by CSS, not readable by screen readers or tests). Positioned with CSSOM properties, which the CSP allows.

import { h } from './dom';
import type { Description } from './describe';

let box: HTMLElement | null = null;

function element(): HTMLElement {
  if (!box) {
    box = h('div', { class: 'gl-tooltip', attrs: { role: 'tooltip', id: 'gl-tooltip', hidden: true } });
    document.body.append(box);
  }
  return box;
}

/** Shows the description near a point given in viewport coordinates. */
export function showTooltip(d: Description, clientX: number, clientY: number): void {
  const el = element();
  el.replaceChildren(
    h('div', { class: 'gl-tooltip-title', text: d.title }),
    ...d.lines.map((line) => h('div', { class: 'gl-tooltip-line', text: line })),
    d.action ? h('div', { class: 'gl-tooltip-action', text: d.action }) : '',
  );
  el.hidden = false;
  const pad = 12;
  const { width, height } = el.getBoundingClientRect();
  let x = clientX + pad;
  let y = clientY + pad;
  if (x + width > window.innerWidth - 4) x = Math.max(4, clientX - pad - width);
  if (y + height > window.innerHeight - 4) y = Math.max(4, clientY - pad - height);
  el.style.left = `${x + window.scrollX}px`;
  el.style.top = `${y + window.scrollY}px`;
}

export function hideTooltip(): void {
  if (box) box.hidden = true;
}
