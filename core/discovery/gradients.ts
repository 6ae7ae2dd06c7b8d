// Where each gradient comes from: reads a gradient function's return statements (object literals, nested
// model groups, [value, grads] tuples, `grads` objects filled by assignments) and follows each returned
// name to the code that computed it.

import ts from 'typescript';
import type { SourceRange } from '../report/types';
import type { GradientSite } from './types';
import { rangeOf } from './ranges';
import type { Resolver } from './resolver';
import { isTensorLiteral, returnedExpressions, staticKey, stripExpression, type FunctionNode } from './syntax';
import {
  destructuringOf,
  fillsOf,
  initializerOf,
  lastReassignmentOf,
  lookupVariable,
  memberAssignmentsOf,
  memberFillsOf,
  type LocalVariable,
} from './variables';

/** backward/grad return gradients; valueAndGrad returns [value, grads] or { value, grad }. */
export type GradientRole = 'gradients' | 'valueAndGrad';

export interface FunctionAnalysis {
  sites: GradientSite[];
  /** Whether the function returns a structure of gradients (an object, a tuple) rather than one opaque value. */
  structured: boolean;
}

/** Limit on chains of names, calls and nested groups followed from one returned value. */
const MAX_DEPTH = 12;

/** Analyses gradient functions, memoized per function: one instance per discovery run (the AST must not change). */
export class GradientAnalyzer {
  private readonly memo = new Map<FunctionNode, Map<GradientRole, FunctionAnalysis>>();
  private readonly active = new Set<FunctionNode>();

  constructor(private readonly resolver: Resolver) {}

  analyzeFunction(fn: FunctionNode, role: GradientRole, depth = 0): FunctionAnalysis {
    const cached = this.memo.get(fn)?.get(role);
    if (cached) return cached;
    // A recursive gradient function (or a cycle of them) contributes nothing the second time round.
    if (this.active.has(fn) || depth > MAX_DEPTH) return { sites: [], structured: false };
    this.active.add(fn);
    try {
      const result = this.analyzeReturns(fn, role, depth);
      if (!this.memo.has(fn)) this.memo.set(fn, new Map());
      this.memo.get(fn)!.set(role, result);
      return result;
    } finally {
      this.active.delete(fn);
    }
  }

  private analyzeReturns(fn: FunctionNode, role: GradientRole, depth: number): FunctionAnalysis {
    const collected = new SiteList();
    let structured = false;
    // Every return counts; for a key returned by several, the last one in the code wins (early returns are
    // usually the degenerate cases).
    for (const returned of returnedExpressions(fn)) {
      const part = role === 'valueAndGrad' ? this.sitesOfTuple(returned, fn, depth) : this.sitesOfResult(returned, fn, depth);
      structured ||= part.structured;
      for (const site of part.sites) collected.add(site);
    }
    return { sites: collected.sites, structured };
  }

  /**
   * What a backward/grad returns. Returning a call delegates the whole result (`return convBackward(dout,
   * cache)`): the callee's sites, whatever their shape; a callee that cannot be followed (imported, in a
   * parse-only scan) tells nothing about which gradients there are, so it gives no sites.
   */
  private sitesOfResult(returned: ts.Expression, fn: FunctionNode, depth: number): FunctionAnalysis {
    const value = stripExpression(returned);
    if (!ts.isCallExpression(value)) return this.sitesOfValue(returned, [], returned, fn, depth, new Set());
    const callee = this.resolver.resolveFunction(value.expression);
    if (!callee) return { sites: [], structured: false };
    return this.analyzeFunction(callee, 'gradients', depth + 1);
  }

  /** `[J, grad]`, `{ value, grad }`, a name bound to one of them, or a call of a function returning one. */
  private sitesOfTuple(expr: ts.Expression, fn: FunctionNode, depth: number): FunctionAnalysis {
    let value = stripExpression(expr);
    for (let hops = 0; ts.isIdentifier(value) && hops < MAX_DEPTH; hops++) {
      const lookup = lookupVariable(value, fn);
      const init = lookup.kind === 'variable' ? (initializerOf(lookup.variable) ?? lastReassignmentOf(lookup.variable)) : undefined;
      if (!init) break;
      value = init;
    }
    if (ts.isArrayLiteralExpression(value)) {
      const grads = value.elements[1];
      if (!grads || ts.isSpreadElement(grads) || ts.isOmittedExpression(grads)) return { sites: [], structured: true };
      return { sites: this.sitesOfValue(grads, [], grads, fn, depth + 1, new Set()).sites, structured: true };
    }
    if (ts.isObjectLiteralExpression(value)) {
      const property = value.properties.find((p) => !ts.isSpreadAssignment(p) && staticKey(p.name) === 'grad');
      if (!property) return { sites: [], structured: true };
      const grads = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      return { sites: grads ? this.sitesOfValue(grads, [], property, fn, depth + 1, new Set()).sites : [], structured: true };
    }
    if (ts.isCallExpression(value)) {
      const callee = this.resolver.resolveFunction(value.expression);
      if (callee) return this.analyzeFunction(callee, 'valueAndGrad', depth + 1);
    }
    return { sites: [], structured: false };
  }

  /**
   * The gradient sites of a returned value found under `keyPath`: a group (object literal, grads object,
   * call of a function returning one) gives a site per key; anything else is one site for `keyPath`.
   */
  private sitesOfValue(expr: ts.Expression, keyPath: string[], property: ts.Node, fn: FunctionNode, depth: number, visiting: Set<ts.Node>): FunctionAnalysis {
    const value = stripExpression(expr);
    const leaf = (producer: Producer): FunctionAnalysis => leafSite(keyPath, producer, property);
    if (depth > MAX_DEPTH) return leaf(property);

    if (ts.isObjectLiteralExpression(value)) {
      if (isTensorLiteral(value)) return leaf(this.producerOfTensorLiteral(value, property, fn, depth, visiting));
      return { sites: this.sitesOfGroup(value, keyPath, fn, depth, visiting), structured: true };
    }
    if (ts.isIdentifier(value)) return this.sitesOfName(value, keyPath, property, fn, depth, visiting);
    if (ts.isCallExpression(value)) {
      const followed = this.followCall(value, keyPath, depth);
      if (followed) return followed;
    }
    return leaf(value);
  }

  private sitesOfGroup(literal: ts.ObjectLiteralExpression, keyPath: string[], fn: FunctionNode, depth: number, visiting: Set<ts.Node>): GradientSite[] {
    const collected = new SiteList();
    for (const property of literal.properties) {
      if (ts.isSpreadAssignment(property)) {
        for (const site of this.sitesOfValue(property.expression, keyPath, property, fn, depth + 1, visiting).sites) collected.add(site);
        continue;
      }
      const key = staticKey(property.name);
      if (key === undefined) continue;
      const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      if (!value) continue;
      for (const site of this.sitesOfValue(value, [...keyPath, key], property, fn, depth + 1, visiting).sites) collected.add(site);
    }
    return collected.sites;
  }

  /** A call returning a group of gradients is followed into (`return convBackward(dout, cache)`); other calls are the producer. */
  private followCall(call: ts.CallExpression, keyPath: string[], depth: number): FunctionAnalysis | undefined {
    const callee = this.resolver.resolveFunction(call.expression);
    if (!callee) return undefined;
    const analysis = this.analyzeFunction(callee, 'gradients', depth + 1);
    if (!analysis.structured) return undefined;
    return { sites: analysis.sites.map((s) => ({ ...s, keyPath: [...keyPath, ...s.keyPath] })), structured: true };
  }

  /** A returned name: a grads object to expand, or a tensor whose producing code is found by the variable rules. */
  private sitesOfName(name: ts.Identifier, keyPath: string[], property: ts.Node, fn: FunctionNode, depth: number, visiting: Set<ts.Node>): FunctionAnalysis {
    const leaf = (producer: Producer): FunctionAnalysis => leafSite(keyPath, producer, property);
    const lookup = lookupVariable(name, fn);
    if (lookup.kind !== 'variable' || visiting.has(lookup.variable.declaration)) return leaf(property);
    const variable = lookup.variable;
    const inner = new Set(visiting).add(variable.declaration);

    const group = this.sitesOfGradsObject(variable, keyPath, fn, depth, inner);
    if (group) return group;

    const fills = fillsOf(variable);
    if (fills.length) return leaf(fills[fills.length - 1]);

    const destructured = destructuringOf(variable);
    if (destructured) return this.sitesOfDestructured(destructured, keyPath, property, depth) ?? leaf(property);

    const init = initializerOf(variable);
    if (!init) return leaf(property);
    // `const dx = dxRaw`: the site is wherever dxRaw was computed, under this key.
    if (ts.isIdentifier(init)) return this.sitesOfName(init, keyPath, property, fn, depth + 1, inner);
    if (ts.isCallExpression(init)) {
      const followed = this.followCall(init, keyPath, depth);
      if (followed) return followed;
    }
    if (ts.isObjectLiteralExpression(init) && isTensorLiteral(init)) return leaf(this.producerOfTensorLiteral(init, init, fn, depth, inner));
    return leaf(init);
  }

  /**
   * A variable used as a group of gradients: initialized with an object literal (`{}` or `{ W: … }`) and/or
   * filled by `grads.W = …` / `grads['W'] = …`. Undefined when the variable is a tensor.
   */
  private sitesOfGradsObject(
    variable: LocalVariable,
    keyPath: string[],
    fn: FunctionNode,
    depth: number,
    visiting: Set<ts.Node>,
  ): FunctionAnalysis | undefined {
    const init = initializerOf(variable) ?? lastReassignmentOf(variable);
    if (init && !ts.isObjectLiteralExpression(init)) return undefined;
    if (init && isTensorLiteral(init)) return undefined;
    const assignments = memberAssignmentsOf(variable);
    // `const dx = {} as Tensor; dx.data = …; dx.shape = …` builds a tensor, not a group.
    const writesTensorFields = assignments.length > 0 && assignments.every((a) => a.keys.length === 1 && (a.keys[0] === 'data' || a.keys[0] === 'shape'));
    if (writesTensorFields && assignments.some((a) => a.keys[0] === 'data')) return undefined;
    if (!init && assignments.length === 0) return undefined;
    const collected = new SiteList();
    if (init) for (const site of this.sitesOfGroup(init, keyPath, fn, depth + 1, visiting)) collected.add(site);
    for (const assignment of assignments) {
      const path = [...keyPath, ...assignment.keys];
      for (const site of this.sitesOfValue(assignment.value, path, assignment.node, fn, depth + 1, visiting).sites) collected.add(site);
    }
    // A member created empty and computed in place (`grads.W[i][j] += …`): the last such write produced it.
    const sites = collected.sites.map((site) => {
      const fills = memberFillsOf(variable, site.keyPath.slice(keyPath.length));
      return fills.length ? { ...site, range: rangeOf(fills[fills.length - 1]) } : site;
    });
    // With only computed keys (`grads['W' + l] = …`) this is a group whose keys cannot be known statically.
    return { sites, structured: true };
  }

  /**
   * A name destructured from a call: `const { dx, dw } = affineBackward(dout, cache)` takes the callee's
   * site(s) for that key; `const [J, grad] = costFunction(…)` the callee's gradients. Without a followable
   * callee, the call itself produced the value.
   */
  private sitesOfDestructured(
    destructured: { source: ts.Expression; key?: string; index?: number },
    keyPath: string[],
    property: ts.Node,
    depth: number,
  ): FunctionAnalysis | undefined {
    const { source, key, index } = destructured;
    if (!ts.isCallExpression(source)) return undefined;
    const callee = this.resolver.resolveFunction(source.expression);
    let taken: GradientSite[] = [];
    if (callee && key !== undefined) {
      const analysis = this.analyzeFunction(callee, 'gradients', depth + 1);
      taken = analysis.sites.filter((s) => s.keyPath[0] === key).map((s) => ({ ...s, keyPath: s.keyPath.slice(1) }));
    } else if (callee && index === 1) {
      taken = this.analyzeFunction(callee, 'valueAndGrad', depth + 1).sites;
    }
    if (taken.length === 0) return leafSite(keyPath, source, property);
    if (taken.length === 1 && taken[0].keyPath.length === 0) return leafSite(keyPath, taken[0].range, property);
    return { sites: taken.map((s) => ({ ...s, keyPath: [...keyPath, ...s.keyPath] })), structured: true };
  }

  /** `{ data: dxData, shape }`: the code that computed the data array. */
  private producerOfTensorLiteral(literal: ts.ObjectLiteralExpression, fallback: ts.Node, fn: FunctionNode, depth: number, visiting: Set<ts.Node>): Producer {
    const data = literal.properties.find((p) => !ts.isSpreadAssignment(p) && staticKey(p.name) === 'data');
    const value = data && ts.isPropertyAssignment(data) ? data.initializer : data && ts.isShorthandPropertyAssignment(data) ? data.name : undefined;
    if (!value) return fallback;
    const stripped = stripExpression(value);
    if (!ts.isIdentifier(stripped)) return literal;
    const named = this.sitesOfName(stripped, [], literal, fn, depth + 1, visiting).sites[0];
    return named ? named.range : literal;
  }
}

/** What produced a gradient: a node here, or a range already found in another function. */
type Producer = ts.Node | SourceRange;

function leafSite(keyPath: string[], producer: Producer, property: ts.Node): FunctionAnalysis {
  const range = 'kind' in producer ? rangeOf(producer) : producer;
  return { sites: [{ keyPath, range, propertyRange: rangeOf(property) }], structured: false };
}

/** Sites in first-seen order; a later site for the same key replaces the earlier one, and a group replaces a leaf at its prefix. */
class SiteList {
  readonly sites: GradientSite[] = [];

  add(site: GradientSite): void {
    const key = site.keyPath.join('\u0000');
    const isPrefixOf = (shorter: string[], longer: string[]) => shorter.length < longer.length && shorter.every((k, i) => longer[i] === k);
    const existing = this.sites.findIndex((s) => s.keyPath.join('\u0000') === key);
    if (existing >= 0) {
      this.sites[existing] = site;
      return;
    }
    for (let i = this.sites.length - 1; i >= 0; i--) {
      if (isPrefixOf(this.sites[i].keyPath, site.keyPath)) this.sites.splice(i, 1);
    }
    this.sites.push(site);
  }
}
