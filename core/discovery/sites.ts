// Matching a report's tensor to the gradient site discovery found for it.

import type { DiscoveredDeclaration, GradientSite } from './types';

/**
 * The site of a tensor's gradient. Tries, in order: the key the code actually returned (`gradientKey`,
 * dotted); the tensor's path (`fc1.W`); the path with cs231n's 'd' prefix on its last key (`fc1.dW`, `dx`);
 * for flat parameters grouped into layers by the engine (`1.W1`), the last key alone if that is unambiguous;
 * finally a single bare-tensor site (Coursera's unrolled gradient vector).
 */
export function findGradientSite(decl: DiscoveredDeclaration, tensorPath: string, gradientKey?: string | null): GradientSite | undefined {
  const byPath = (keys: string[]) => decl.gradients.find((site) => sameKeys(site.keyPath, keys));
  if (gradientKey) {
    const site = byPath(gradientKey.split('.'));
    if (site) return site;
  }
  const keys = tensorPath.split('.').filter((k) => k.length > 0);
  if (keys.length) {
    const candidates = [keys, withPrefix(keys)];
    for (const candidate of candidates) {
      const site = byPath(candidate);
      if (site) return site;
    }
    if (keys.length > 1) {
      const last = keys[keys.length - 1];
      const matches = decl.gradients.filter((s) => s.keyPath.length === 1 && (s.keyPath[0] === last || s.keyPath[0] === `d${last}`));
      if (matches.length === 1) return matches[0];
    }
  }
  const bare = decl.gradients.filter((site) => site.keyPath.length === 0);
  return bare.length === 1 ? bare[0] : undefined;
}

function withPrefix(keys: string[]): string[] {
  return [...keys.slice(0, -1), `d${keys[keys.length - 1]}`];
}

function sameKeys(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
