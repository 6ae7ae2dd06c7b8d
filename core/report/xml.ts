// Escaping text for XML attributes and content (JUnit reports of checks and of grades).

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped (user and student output can contain anything).
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
