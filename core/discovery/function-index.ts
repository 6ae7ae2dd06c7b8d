// One walk over a function body that records what the variable queries need: its local declarations and
// every write (assignment, increment, in-place method, helper filling an argument). Built once per function
// and reused for every returned name, so discovery stays fast on long backward passes.

import ts from 'typescript';
import { enclosingStatement, isAssignmentOperator, isScopeBoundary, rootIdentifier, stripExpression } from './syntax';

export interface IndexedDeclaration {
  name: string;
  node: ts.VariableDeclaration | ts.BindingElement;
  /** Inside a function nested in the indexed one (not visible from its return statements). */
  nested: boolean;
}

export type WriteKind =
  /** `t = …` */
  | 'assign'
  /** `t += …` and the other compound operators, `t++` */
  | 'compound'
  /** `t.push(…)`, `t.set(…)`: the target is the object the method fills */
  | 'method'
  /** `addInto(t, …)` as a statement: the target is the first argument, which the helper presumably fills */
  | 'argument';

export interface IndexedWrite {
  kind: WriteKind;
  /** What is written: `dW[i][j]`, `dx`, `dx.data`. */
  target: ts.Expression;
  /** The assignment expression (for 'assign': its right side is the value). */
  node: ts.Node;
  /** The statement to point at (the whole `dW[i][j] += …;`), or the expression when it is not a statement. */
  statement: ts.Node;
  /** Names hidden by parameters of nested functions around the write (`xs.map((dx) => …)` hides dx). */
  shadowed: ReadonlySet<string>;
}

export interface FunctionIndex {
  body: ts.Block | undefined;
  declarations: IndexedDeclaration[];
  writes: IndexedWrite[];
}

/** Methods that fill an array or typed array in place (`fill` only initializes, so it does not count). */
const FILLING_METHODS = new Set(['push', 'unshift', 'splice', 'set']);
/** Members that are read for their value, never written through (`f(dx.length)` does not fill dx). */
const READ_ONLY_MEMBERS = new Set(['length', 'shape']);
const NOTHING_SHADOWED: ReadonlySet<string> = new Set();

/** Indexes by function node: parsed files are reused across discovery runs until they change, and so are these. */
const indexes = new WeakMap<ts.Node, FunctionIndex>();

/** The declarations and writes of a function's body (nested callbacks included, marked as such). */
export function indexFunction(fn: ts.SignatureDeclaration): FunctionIndex {
  const cached = indexes.get(fn);
  if (cached) return cached;
  const body = (fn as { body?: ts.Node }).body;
  const index: FunctionIndex = { body: body && ts.isBlock(body) ? body : undefined, declarations: [], writes: [] };
  if (body) {
    const walk = (node: ts.Node, nested: boolean, shadowed: ReadonlySet<string>): void => {
      record(node, nested, shadowed, index);
      let innerNested = nested;
      let innerShadowed = shadowed;
      if (isScopeBoundary(node)) {
        innerNested = true;
        if (ts.isFunctionLike(node) && node.parameters.length) {
          innerShadowed = new Set([...shadowed, ...node.parameters.flatMap((p) => namesOf(p.name))]);
        }
      }
      ts.forEachChild(node, (child) => walk(child, innerNested, innerShadowed));
    };
    ts.forEachChild(body, (child) => walk(child, false, NOTHING_SHADOWED));
  }
  indexes.set(fn, index);
  return index;
}

function record(node: ts.Node, nested: boolean, shadowed: ReadonlySet<string>, index: FunctionIndex): void {
  if ((ts.isVariableDeclaration(node) || ts.isBindingElement(node)) && ts.isIdentifier(node.name)) {
    if (ts.isVariableDeclaration(node) || isInVariableDeclaration(node)) index.declarations.push({ name: node.name.text, node, nested });
    return;
  }
  if (ts.isBinaryExpression(node) && isAssignmentOperator(node.operatorToken.kind)) {
    const kind = node.operatorToken.kind === ts.SyntaxKind.EqualsToken ? 'assign' : 'compound';
    index.writes.push({ kind, target: stripExpression(node.left), node, statement: enclosingStatement(node), shadowed });
  } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && isIncrement(node.operator)) {
    index.writes.push({ kind: 'compound', target: stripExpression(node.operand), node, statement: enclosingStatement(node), shadowed });
  } else if (ts.isCallExpression(node)) {
    const callee = stripExpression(node.expression);
    const statement = enclosingStatement(node);
    if (ts.isPropertyAccessExpression(callee) && FILLING_METHODS.has(callee.name.text)) {
      index.writes.push({ kind: 'method', target: stripExpression(callee.expression), node, statement, shadowed });
    } else if (ts.isExpressionStatement(statement) && !(ts.isPropertyAccessExpression(callee) && rootIdentifier(callee)?.text === 'console')) {
      // A helper called for its effect, result discarded, fills its destination, which by convention comes
      // first (`addInto(dW.data, g.dW)`, `setTimeSlice(dx.data, g.dx, …)`); later arguments are read.
      const destination = node.arguments[0] ? stripExpression(node.arguments[0]) : undefined;
      if (destination && isWritableArgument(destination)) index.writes.push({ kind: 'argument', target: destination, node, statement, shadowed });
    }
  }
}

function isWritableArgument(value: ts.Expression): boolean {
  if (ts.isIdentifier(value)) return true;
  if (ts.isPropertyAccessExpression(value)) return !READ_ONLY_MEMBERS.has(value.name.text) && !!rootIdentifier(value);
  return ts.isElementAccessExpression(value) && !!rootIdentifier(value);
}

function isIncrement(operator: ts.SyntaxKind): boolean {
  return operator === ts.SyntaxKind.PlusPlusToken || operator === ts.SyntaxKind.MinusMinusToken;
}

function isInVariableDeclaration(element: ts.BindingElement): boolean {
  let node: ts.Node = element;
  while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node)) node = node.parent;
  return ts.isVariableDeclaration(node);
}

function namesOf(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : namesOf(element.name)));
}
