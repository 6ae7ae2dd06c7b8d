// Finding the function an identifier names: inside the file by scope (parse-only scans), or through imports
// and re-exports with a TypeChecker (full discovery), so a `backward: convBackward` imported from another
// file leads to its body.

import ts from 'typescript';
import { isFunctionNode, stripExpression, type FunctionNode } from './syntax';

export interface Resolver {
  /** The function an expression names (`f`, `lib.f`), or undefined when it cannot be followed. */
  resolveFunction(expr: ts.Expression): FunctionNode | undefined;
}

/** How many `const a = b` hops are followed before giving up (also stops cycles). */
const MAX_ALIAS_HOPS = 8;

/** Resolves identifiers by the enclosing scopes of one file only: no imports, no checker, no other files. */
export class LocalResolver implements Resolver {
  resolveFunction(expr: ts.Expression): FunctionNode | undefined {
    return this.resolve(stripExpression(expr), 0);
  }

  private resolve(expr: ts.Expression, hops: number): FunctionNode | undefined {
    if (isFunctionNode(expr)) return expr;
    if (!ts.isIdentifier(expr) || hops > MAX_ALIAS_HOPS) return undefined;
    const name = expr.text;
    for (let scope: ts.Node | undefined = expr.parent; scope; scope = scope.parent) {
      if (ts.isFunctionLike(scope) && scope.parameters.some((p) => bindsName(p.name, name))) return undefined;
      const statements = statementsOf(scope);
      if (!statements) continue;
      for (const statement of statements) {
        if (ts.isFunctionDeclaration(statement) && statement.name?.text === name && statement.body) return statement;
        if (!ts.isVariableStatement(statement)) continue;
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
            return this.resolve(stripExpression(declaration.initializer), hops + 1);
          }
        }
      }
    }
    return undefined;
  }
}

/** Resolves through a program's checker: imports, re-exports, namespace members; falls back to the file's scopes. */
export class CheckerResolver implements Resolver {
  private readonly local = new LocalResolver();

  constructor(private readonly checker: ts.TypeChecker) {}

  resolveFunction(expr: ts.Expression): FunctionNode | undefined {
    const stripped = stripExpression(expr);
    if (isFunctionNode(stripped)) return stripped;
    let found: FunctionNode | undefined;
    try {
      found = this.fromSymbol(this.symbolAt(stripped), 0);
    } catch {
      // A checker failure on broken code must not stop discovery; the scope walk below still works.
      found = undefined;
    }
    return found ?? this.local.resolveFunction(stripped);
  }

  private symbolAt(expr: ts.Expression): ts.Symbol | undefined {
    if (ts.isPropertyAccessExpression(expr)) return this.checker.getSymbolAtLocation(expr.name);
    if (!ts.isIdentifier(expr)) return undefined;
    // In `{ backward }` the name is a property; the value is the variable or import of the same name.
    if (ts.isShorthandPropertyAssignment(expr.parent) && expr.parent.name === expr) {
      return this.checker.getShorthandAssignmentValueSymbol(expr.parent);
    }
    return this.checker.getSymbolAtLocation(expr);
  }

  private fromSymbol(symbol: ts.Symbol | undefined, hops: number): FunctionNode | undefined {
    if (!symbol || hops > MAX_ALIAS_HOPS) return undefined;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    for (const declaration of symbol.declarations ?? []) {
      // Overload signatures have no body; the implementation comes last.
      if ((ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration)) && declaration.body) return declaration;
      const value = valueOf(declaration);
      if (!value) continue;
      const stripped = stripExpression(value);
      if (isFunctionNode(stripped)) return stripped;
      if (ts.isIdentifier(stripped) || ts.isPropertyAccessExpression(stripped)) {
        const next = this.fromSymbol(this.symbolAt(stripped), hops + 1);
        if (next) return next;
      }
    }
    if (symbol.valueDeclaration && ts.isShorthandPropertyAssignment(symbol.valueDeclaration)) {
      return this.fromSymbol(this.checker.getShorthandAssignmentValueSymbol(symbol.valueDeclaration), hops + 1);
    }
    return undefined;
  }
}

/** The expression a declaration binds: `const f = …`, `{ f: … }`, `export default …`. */
function valueOf(declaration: ts.Declaration): ts.Expression | undefined {
  if (ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration)) return declaration.initializer;
  if (ts.isExportAssignment(declaration)) return declaration.expression;
  return undefined;
}

function statementsOf(node: ts.Node): ts.NodeArray<ts.Statement> | undefined {
  if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) return node.statements;
  return undefined;
}

/** Whether a parameter or binding pattern introduces `name`. */
export function bindsName(name: ts.BindingName, target: string): boolean {
  if (ts.isIdentifier(name)) return name.text === target;
  return name.elements.some((element) => !ts.isOmittedExpression(element) && bindsName(element.name, target));
}
