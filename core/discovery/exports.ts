// Which exports of a file are Gradlens declarations: calls of fn/layer/model imported from 'gradlens'
// (named, aliased or through a namespace), exported inline, by `export { a as b }`, or as the default export.

import ts from 'typescript';
import type { DeclarationKind } from '../report/types';
import { stripExpression } from './syntax';

export const GRADLENS_MODULE = 'gradlens';
const KINDS: ReadonlySet<string> = new Set<DeclarationKind>(['fn', 'layer', 'model']);

export interface DeclarationCall {
  /** The export name ('default' for the default export). */
  name: string;
  kind: DeclarationKind;
  call: ts.CallExpression;
  /** The statement (or declarator, when a statement declares several) that the declaration's range covers. */
  statement: ts.Node;
  /** The declared identifier, or the call itself for `export default layer(…)`. */
  nameNode: ts.Node;
}

interface GradlensBindings {
  /** Local name → the helper it is (`import { layer as L }` gives L → layer). */
  named: Map<string, DeclarationKind>;
  /** Local names of `import * as gl from 'gradlens'`. */
  namespaces: Set<string>;
}

function gradlensBindings(sourceFile: ts.SourceFile): GradlensBindings {
  const bindings: GradlensBindings = { named: new Map(), namespaces: new Set() };
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (statement.moduleSpecifier.text !== GRADLENS_MODULE) continue;
    const clause = statement.importClause;
    if (!clause || clause.isTypeOnly || !clause.namedBindings) continue;
    if (ts.isNamespaceImport(clause.namedBindings)) {
      bindings.namespaces.add(clause.namedBindings.name.text);
      continue;
    }
    for (const element of clause.namedBindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      if (!element.isTypeOnly && KINDS.has(imported)) bindings.named.set(element.name.text, imported as DeclarationKind);
    }
  }
  return bindings;
}

/** The helper a call invokes, when the callee is one of the gradlens bindings. */
function kindOfCall(expr: ts.Expression | undefined, bindings: GradlensBindings): { kind: DeclarationKind; call: ts.CallExpression } | undefined {
  if (!expr) return undefined;
  const call = stripExpression(expr);
  if (!ts.isCallExpression(call)) return undefined;
  const callee = stripExpression(call.expression);
  if (ts.isIdentifier(callee)) {
    const kind = bindings.named.get(callee.text);
    return kind ? { kind, call } : undefined;
  }
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && bindings.namespaces.has(callee.expression.text)) {
    const member = callee.name.text;
    return KINDS.has(member) ? { kind: member as DeclarationKind, call } : undefined;
  }
  return undefined;
}

interface LocalDeclaration {
  kind: DeclarationKind;
  call: ts.CallExpression;
  statement: ts.Node;
  nameNode: ts.Identifier;
}

/** Every exported declaration of a file, in source order (a declaration exported under two names appears twice). */
export function findDeclarationCalls(sourceFile: ts.SourceFile): DeclarationCall[] {
  const bindings = gradlensBindings(sourceFile);
  if (bindings.named.size === 0 && bindings.namespaces.size === 0) return [];

  const locals = new Map<string, LocalDeclaration>();
  const found: DeclarationCall[] = [];
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const exported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    const declarations = statement.declarationList.declarations;
    for (const declaration of declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      const match = kindOfCall(declaration.initializer, bindings);
      if (!match) continue;
      const local: LocalDeclaration = { ...match, statement: declarations.length === 1 ? statement : declaration, nameNode: declaration.name };
      locals.set(declaration.name.text, local);
      if (exported) found.push({ name: declaration.name.text, ...local });
    }
  }
  for (const statement of sourceFile.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      !statement.moduleSpecifier &&
      !statement.isTypeOnly &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) {
        const local = locals.get((element.propertyName ?? element.name).text);
        if (local && !element.isTypeOnly) found.push({ name: element.name.text, ...local });
      }
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      const match = kindOfCall(statement.expression, bindings);
      if (match) {
        found.push({ name: 'default', ...match, statement, nameNode: match.call });
        continue;
      }
      const expression = stripExpression(statement.expression);
      const local = ts.isIdentifier(expression) ? locals.get(expression.text) : undefined;
      if (local) found.push({ name: 'default', ...local });
    }
  }
  return found.sort((a, b) => a.statement.pos - b.statement.pos || a.name.localeCompare(b.name));
}

/** The spec object passed to a declaration: an inline literal, or a local `const spec = { … }`. */
export function specObjectOf(call: ts.CallExpression): ts.ObjectLiteralExpression | undefined {
  const argument = call.arguments[0] ? stripExpression(call.arguments[0]) : undefined;
  if (!argument) return undefined;
  if (ts.isObjectLiteralExpression(argument)) return argument;
  if (!ts.isIdentifier(argument)) return undefined;
  for (const statement of call.getSourceFile().statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === argument.text && declaration.initializer) {
        const value = stripExpression(declaration.initializer);
        return ts.isObjectLiteralExpression(value) ? value : undefined;
      }
    }
  }
  return undefined;
}
