// Canvas colours come from CSS variables (styles.css maps them onto VS Code's --vscode-* theme variables, with
// light/dark fallbacks for the standalone report). A canvas does not follow CSS, so every colour is re-read
// here when the theme changes and the charts are redrawn.

import { parseColor, type Ramps, type Rgb } from './scale';

export interface Theme {
  fg: string;
  muted: string;
  bg: string;
  border: string;
  focus: string;
  tolerance: string;
  kink: string;
  nonfinite: string;
  unchecked: string;
  ramps: Ramps;
  font: string;
  highContrast: boolean;
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour as the canvas normalises it ('#rrggbb' or 'rgba(…)'), so it can be parsed and mixed. */
function normalise(value: string, fallback: string): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe || !value) return fallback;
  probe.fillStyle = fallback;
  probe.fillStyle = value;
  return String(probe.fillStyle);
}

export function readTheme(root: HTMLElement = document.body): Theme {
  const css = getComputedStyle(root);
  const v = (name: string, fallback: string) => normalise(css.getPropertyValue(name).trim(), fallback);
  const rgb = (name: string, fallback: string): Rgb => parseColor(v(name, fallback)) ?? parseColor(fallback)!;
  const cls = document.body.classList;
  return {
    fg: v('--gl-fg', '#1f2328'),
    muted: v('--gl-muted', '#59636e'),
    bg: v('--gl-bg', '#ffffff'),
    border: v('--gl-border', '#d0d7de'),
    focus: v('--gl-focus', '#0969da'),
    tolerance: v('--gl-tolerance', '#1f2328'),
    kink: v('--gl-kink', '#7b4fc9'),
    nonfinite: v('--gl-nonfinite', '#c2185b'),
    unchecked: v('--gl-unchecked', '#8c959f'),
    ramps: {
      passLow: rgb('--gl-ramp-pass-low', '#eaf2fb'),
      passHigh: rgb('--gl-ramp-pass-high', '#3a78bd'),
      failLow: rgb('--gl-ramp-fail-low', '#f6a54e'),
      failHigh: rgb('--gl-ramp-fail-high', '#8a2500'),
    },
    font: css.getPropertyValue('--gl-font').trim() || 'system-ui, sans-serif',
    highContrast: cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light'),
  };
}

/**
 * Calls back when the theme changes: VS Code swaps the body's class and rewrites the inline --vscode-*
 * variables on <html>; a browser flips prefers-color-scheme. Returns a function that stops listening.
 */
export function onThemeChange(callback: () => void): () => void {
  let pending = 0;
  const fire = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(callback);
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', fire);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', fire);
  };
}
