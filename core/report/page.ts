// The HTML document around the heatmap bundle (webview/, built to dist/webview.js), for both hosts: the VS Code
// panel (bundle and stylesheet loaded from dist/ through the webview's resource URIs) and the standalone report
// (both inlined, data embedded). Runs in node only, so it lives in core (webview/ holds browser code only); the
// strict CSP is the same in both: nothing runs or styles the page except what carries this page's nonce.

import { randomBytes } from 'node:crypto';

export interface PageOptions {
  /** A fresh random value per page (makeNonce). */
  nonce: string;
  /** The webview's cspSource, allowing its resource URIs; omitted for a self-contained page. */
  cspSource?: string;
  title: string;
  /** A visible page heading (the standalone report); the panel shows the declaration's own header. */
  heading?: string;
  script: { src: string } | { inline: string };
  style: { href: string } | { inline: string };
  /** Data for the standalone page, embedded as JSON. */
  data?: unknown;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function contentSecurityPolicy(nonce: string, cspSource?: string): string {
  const from = cspSource ? `${cspSource} ` : '';
  const directives = [
    "default-src 'none'",
    `img-src ${from}data:`,
    `style-src ${from}'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ];
  // The webview's fonts (codicons, if a theme uses them) come from its resource origin; a file has none.
  if (cspSource) directives.push(`font-src ${cspSource}`);
  return directives.join('; ');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that cannot end its <script> element early: '<' never appears literally. */
export function embedJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * A bundle made safe to inline in <script>: '</script' and '<!--' would end or confuse the element, so their
 * '<' is written as the escape \x3C, which means the same inside JS strings, templates and regexes. The
 * source-map comment is dropped: the map is not shipped with the page.
 */
export function inlineScript(code: string): string {
  return code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n').replace(/<(\/script|!--)/gi, '\\x3C$1');
}

export function inlineStyle(css: string): string {
  return css.replace(/\/\*# sourceMappingURL=.*?\*\/\s*$/, '').replace(/<\/style/gi, '\\3C/style');
}

export function renderPage(o: PageOptions): string {
  const nonce = escapeHtml(o.nonce);
  const style =
    'href' in o.style
      ? `<link rel="stylesheet" nonce="${nonce}" href="${escapeHtml(o.style.href)}">`
      : `<style nonce="${nonce}">${inlineStyle(o.style.inline)}</style>`;
  const script =
    'src' in o.script
      ? `<script nonce="${nonce}" src="${escapeHtml(o.script.src)}"></script>`
      : `<script nonce="${nonce}">${inlineScript(o.script.inline)}</script>`;
  const data = o.data === undefined ? '' : `<script type="application/json" id="gradlens-data">${embedJson(o.data)}</script>\n`;
  const heading = o.heading ? `<h1 class="gl-page-title">${escapeHtml(o.heading)}</h1>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.nonce, o.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
${style}
</head>
<body>
${heading}<main id="gradlens-root"><noscript>This report needs JavaScript to draw its heatmaps.</noscript></main>
${data}${script}
</body>
</html>
`;
}
