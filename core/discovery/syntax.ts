// Small syntax helpers over the TypeScript AST shared by the discovery modules.

import ts from 'typescript';

export type FunctionNode = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;

/** Removes what does not change an expression's value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function stripExpression(expr: ts.Expression): ts.Expression {
  let current = expr;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node);
}

/** Any node that starts a new function scope (accessors and constructors included), for walks that must not enter one. */
export function isScopeBoundary(node: ts.Node): boolean {
  return ts.isFunctionLike(node) || ts.isClassLike(node);
}

/** The static text of a property name or element-access argument: `a`, `'a'`, `"a"`, `0`; undefined when computed. */
export function staticKey(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return node.text;
  if (ts.isComputedPropertyName(node)) return staticKey(stripExpression(node.expression));
  return undefined;
}

/** The property of an object literal with the given static name, if any. */
export function findProperty(literal: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  let found: ts.ObjectLiteralElementLike | undefined;
  // Later properties win, as at run time.
  for (const property of literal.properties) {
    if (!ts.isSpreadAssignment(property) && staticKey(property.name) === name) found = property;
  }
  return found;
}

/** Visits every descendant of `root` without entering nested functions or classes. */
function forEachDescendant(root: ts.Node, visit: (node: ts.Node) => void): void {
  const walk = (node: ts.Node): void => {
    visit(node);
    if (!isScopeBoundary(node)) ts.forEachChild(node, walk);
  };
  ts.forEachChild(root, walk);
}

/** The expressions a function returns: an arrow's expression body, or the operands of its return statements. */
export function returnedExpressions(fn: ts.SignatureDeclaration): ts.Expression[] {
  const body = (fn as { body?: ts.Node }).body;
  if (!body) return [];
  if (!ts.isBlock(body)) return [body as ts.Expression];
  const results: ts.Expression[] = [];
  forEachDescendant(body, (node) => {
    if (ts.isReturnStatement(node) && node.expression) results.push(node.expression);
  });
  return results;
}

/** `a`, `a.b`, `a[i].c` …: the identifier at the root of a member-access chain, or undefined. */
export function rootIdentifier(expr: ts.Expression): ts.Identifier | undefined {
  let current = stripExpression(expr);
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
    current = stripExpression(current.expression);
  }
  return ts.isIdentifier(current) ? current : undefined;
}

/** For `v.a.b` or `v['a'].b`: ['a', 'b'] when every key is static; undefined otherwise (or for `v` alone). */
export function staticMemberPath(expr: ts.Expression, root: string): string[] | undefined {
  const keys: string[] = [];
  let current = stripExpression(expr);
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
    const key = ts.isPropertyAccessExpression(current) ? current.name.text : staticKey(stripExpression(current.argumentExpression));
    if (key === undefined) return undefined;
    keys.unshift(key);
    current = stripExpression(current.expression);
  }
  return ts.isIdentifier(current) && current.text === root && keys.length ? keys : undefined;
}

export function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** The statement a (possibly parenthesized) expression stands for, when it is a whole expression statement. */
export function enclosingStatement(expr: ts.Expression): ts.Node {
  let node: ts.Node = expr;
  while (node.parent && ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return node.parent && ts.isExpressionStatement(node.parent) ? node.parent : expr;
}

/** `{ data, shape }` written out (possibly with extras such as strides): a tensor value, not a group of gradients. */
export function isTensorLiteral(literal: ts.ObjectLiteralExpression): boolean {
  const keys = literal.properties.map((p) => (ts.isSpreadAssignment(p) ? undefined : staticKey(p.name)));
  return keys.includes('data') && (keys.includes('shape') || keys.length === 1);
}
