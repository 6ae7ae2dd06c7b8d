// Local variables of a gradient function: which declaration a returned name refers to, and the statements
// that fill it afterwards (`dW[i][j] += …`, `dx.data[k] = …`, `dx = dx + …`, `grads.W = …`). All queries
// read the function's index (function-index.ts), built in one walk.

import ts from 'typescript';
import { indexFunction, type IndexedWrite } from './function-index';
import { bindsName } from './resolver';
import { rootIdentifier, staticKey, staticMemberPath, stripExpression } from './syntax';

export interface LocalVariable {
  name: string;
  /** `const v = …` or a name inside a destructuring pattern. */
  declaration: ts.VariableDeclaration | ts.BindingElement;
  /** The function whose body declares it. */
  scope: ts.SignatureDeclaration;
}

export type VariableLookup = { kind: 'variable'; variable: LocalVariable } | { kind: 'parameter' } | { kind: 'unknown' };

/** What a name used inside `fn` refers to: one of its locals (or an enclosing function's), a parameter, or unknown. */
export function lookupVariable(reference: ts.Identifier, fn: ts.SignatureDeclaration): VariableLookup {
  const name = reference.text;
  for (let scope: ts.Node | undefined = fn; scope; scope = scope.parent) {
    if (!ts.isFunctionLike(scope)) continue;
    const declaration = visibleDeclaration(name, reference, scope);
    if (declaration) return { kind: 'variable', variable: { name, declaration, scope } };
    if (scope.parameters.some((p) => bindsName(p.name, name))) return { kind: 'parameter' };
  }
  return { kind: 'unknown' };
}

/** The declaration of `name` in `fn`'s own body that is in scope at `reference` (innermost block, then latest). */
function visibleDeclaration(name: string, reference: ts.Node, fn: ts.SignatureDeclaration): ts.VariableDeclaration | ts.BindingElement | undefined {
  const { body, declarations } = indexFunction(fn);
  if (!body) return undefined;
  let best: { node: ts.VariableDeclaration | ts.BindingElement; container: ts.Node } | undefined;
  for (const declaration of declarations) {
    if (declaration.nested || declaration.name !== name) continue;
    const container = blockScopeOf(declaration.node, body);
    if (container.pos > reference.pos || container.end < reference.end) continue;
    if (!best || container.pos > best.container.pos || (container === best.container && declaration.node.pos > best.node.pos)) {
      best = { node: declaration.node, container };
    }
  }
  return best?.node;
}

/** The nearest block (or loop head) a let/const is scoped to; `var` is scoped to the whole body. */
function blockScopeOf(node: ts.Node, body: ts.Block): ts.Node {
  let list: ts.Node = node;
  while (!ts.isVariableDeclarationList(list) && list.parent) list = list.parent;
  const isVar = ts.isVariableDeclarationList(list) && !(list.flags & ts.NodeFlags.BlockScoped);
  if (isVar) return body;
  for (let current: ts.Node = list.parent; current && current !== body; current = current.parent) {
    if (
      ts.isBlock(current) ||
      ts.isForStatement(current) ||
      ts.isForOfStatement(current) ||
      ts.isForInStatement(current) ||
      ts.isCaseBlock(current) ||
      ts.isCatchClause(current)
    ) {
      return current;
    }
  }
  return body;
}

/** `const v = init` → init (without parentheses or type assertions); undefined for destructured names. */
export function initializerOf(variable: LocalVariable): ts.Expression | undefined {
  const declaration = variable.declaration;
  return ts.isVariableDeclaration(declaration) && declaration.initializer ? stripExpression(declaration.initializer) : undefined;
}

/**
 * For a destructured name: the destructured expression and where the name was taken from, when it is a
 * top-level element of the pattern (`const { dx: a } = f()` → key 'dx'; `const [J, grad] = f()` → index 1).
 */
export function destructuringOf(variable: LocalVariable): { source: ts.Expression; key?: string; index?: number } | undefined {
  const element = variable.declaration;
  if (!ts.isBindingElement(element)) return undefined;
  let declaration: ts.Node = element.parent;
  while (!ts.isVariableDeclaration(declaration) && declaration.parent) declaration = declaration.parent;
  if (!ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const source = stripExpression(declaration.initializer);
  if (element.parent.parent !== declaration) return { source };
  if (ts.isArrayBindingPattern(element.parent)) return { source, index: element.parent.elements.indexOf(element) };
  const keyNode = element.propertyName ?? element.name;
  return { source, key: ts.isIdentifier(keyNode) || ts.isStringLiteral(keyNode) ? keyNode.text : undefined };
}

/**
 * Statements that compute the variable after its declaration: reassignments (`dx = dx + …`, `dx += …`),
 * element and member writes through it or an alias (`const d = dW.data; d[k] += …`), `++`, in-place fills
 * (`dx.push(row)`, `dx.data.set(…)`) and helpers filling it (`addInto(dx.data, …)`). Sorted by position;
 * nested callbacks (forEach) included.
 */
export function fillsOf(variable: LocalVariable): ts.Node[] {
  const index = indexFunction(variable.scope);
  if (!index.body) return [];
  const names = aliasesOf(new Set([variable.name]), variable.scope);
  // Only writes the declaration can see: after it, inside its block (a same-named variable elsewhere is another one).
  const container = blockScopeOf(variable.declaration, index.body);
  const from = variable.declaration.end;
  const fills = index.writes.filter((write) => {
    if (write.node.pos < from || write.node.end > container.end) return false;
    const root = rootIdentifier(write.target);
    if (!root || !names.has(root.text) || write.shadowed.has(root.text)) return false;
    // Rebinding an alias (`d = other`) does not write into the variable; rebinding the variable itself does.
    return !ts.isIdentifier(write.target) || write.kind === 'method' || write.kind === 'argument' || write.target.text === variable.name;
  });
  return statementsInOrder(fills);
}

/** The given names plus every local bound to a part of one of them (`const d = dx.data`, `const row = dW[i]`). */
function aliasesOf(names: Set<string>, scope: ts.SignatureDeclaration): Set<string> {
  const { declarations } = indexFunction(scope);
  for (let changed = true; changed;) {
    changed = false;
    for (const declaration of declarations) {
      if (names.has(declaration.name) || !ts.isVariableDeclaration(declaration.node) || !declaration.node.initializer) continue;
      const init = stripExpression(declaration.node.initializer);
      if (!ts.isIdentifier(init) && !ts.isPropertyAccessExpression(init) && !ts.isElementAccessExpression(init)) continue;
      const root = rootIdentifier(init);
      if (root && names.has(root.text)) {
        names.add(declaration.name);
        changed = true;
      }
    }
  }
  return names;
}

/** `v.W[i].data` → root v and segments ['W', undefined, 'data'] (undefined for a computed key). */
function memberSegments(expr: ts.Expression): { root: string; segments: (string | undefined)[] } | undefined {
  const segments: (string | undefined)[] = [];
  let current = stripExpression(expr);
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
    segments.unshift(ts.isPropertyAccessExpression(current) ? current.name.text : staticKey(stripExpression(current.argumentExpression)));
    current = stripExpression(current.expression);
  }
  return ts.isIdentifier(current) ? { root: current.text, segments } : undefined;
}

function startsWithKeys(segments: (string | undefined)[], keys: string[]): boolean {
  return segments.length >= keys.length && keys.every((k, i) => segments[i] === k);
}

/**
 * Statements that compute one member of a grads object in place: `grads.W[i][j] += …`, `grads.W.data[k] = …`,
 * `grads.b += …`, or writes through `const dW = grads.W`. A plain `grads.W = …` is an assignment of the
 * member, not a fill (see memberAssignmentsOf).
 */
export function memberFillsOf(variable: LocalVariable, keys: string[]): ts.Node[] {
  const index = indexFunction(variable.scope);
  if (!index.body || keys.length === 0) return [];
  const seeds = new Set<string>();
  for (const declaration of index.declarations) {
    if (!ts.isVariableDeclaration(declaration.node) || !declaration.node.initializer) continue;
    const init = memberSegments(declaration.node.initializer);
    if (init && init.root === variable.name && startsWithKeys(init.segments, keys)) seeds.add(declaration.name);
  }
  const aliases = seeds.size ? aliasesOf(seeds, variable.scope) : seeds;
  const fills = index.writes.filter((write) => {
    const member = memberSegments(write.target);
    if (!member || write.shadowed.has(member.root)) return false;
    if (aliases.has(member.root)) return member.segments.length > 0 || write.kind === 'method' || write.kind === 'argument';
    if (member.root !== variable.name || !startsWithKeys(member.segments, keys)) return false;
    return write.kind !== 'assign' || member.segments.length > keys.length;
  });
  return statementsInOrder(fills);
}

function statementsInOrder(writes: IndexedWrite[]): ts.Node[] {
  return [...new Set(writes.map((w) => w.statement))].sort((a, b) => a.end - b.end);
}

export interface MemberAssignment {
  /** The static keys written: `grads.fc1.W = …` → ['fc1', 'W']. */
  keys: string[];
  value: ts.Expression;
  node: ts.BinaryExpression;
}

/** `v.key = value` and `v['key'] = value` writes (plain `=`; computed keys are left out). */
export function memberAssignmentsOf(variable: LocalVariable): MemberAssignment[] {
  const assignments: MemberAssignment[] = [];
  for (const write of indexFunction(variable.scope).writes) {
    if (write.kind !== 'assign' || write.shadowed.has(variable.name) || !ts.isBinaryExpression(write.node)) continue;
    const keys = staticMemberPath(write.target, variable.name);
    if (keys) assignments.push({ keys, value: write.node.right, node: write.node });
  }
  return assignments;
}

/** The value of the last plain reassignment `v = …` of the variable, if any (`let grads; … grads = { … }`). */
export function lastReassignmentOf(variable: LocalVariable): ts.Expression | undefined {
  let last: ts.Expression | undefined;
  for (const write of indexFunction(variable.scope).writes) {
    if (
      write.kind === 'assign' &&
      ts.isIdentifier(write.target) &&
      write.target.text === variable.name &&
      !write.shadowed.has(variable.name) &&
      ts.isBinaryExpression(write.node)
    ) {
      if (!last || write.node.pos > last.pos) last = write.node.right;
    }
  }
  return last ? stripExpression(last) : undefined;
}
