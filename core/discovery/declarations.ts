// Builds the discovered declarations of one parsed file: ranges, the gradient and forward functions named
// in each spec object, and the gradient sites of the gradient function.

import ts from 'typescript';
import type { DeclarationKind } from '../report/types';
import { findDeclarationCalls, specObjectOf, type DeclarationCall } from './exports';
import { GradientAnalyzer, type GradientRole } from './gradients';
import { rangeOf } from './ranges';
import type { Resolver } from './resolver';
import { findProperty, isFunctionNode, stripExpression, type FunctionNode } from './syntax';
import type { DiscoveredDeclaration, ForwardProperty, GradientProperty } from './types';

/** The spec properties holding the gradient code, in the order the engine prefers them. */
const GRADIENT_PROPERTIES: Record<DeclarationKind, GradientProperty[]> = {
  layer: ['backward'],
  fn: ['grad', 'valueAndGrad'],
  model: ['grad', 'valueAndGrad'],
};
const FORWARD_PROPERTY: Record<DeclarationKind, ForwardProperty> = { layer: 'forward', fn: 'f', model: 'loss' };

/** Every exported declaration of `sourceFile`, with gradients followed as far as `resolver` reaches. */
export function collectDeclarations(sourceFile: ts.SourceFile, resolver: Resolver): DiscoveredDeclaration[] {
  const analyzer = new GradientAnalyzer(resolver);
  return findDeclarationCalls(sourceFile).map((found) => {
    const declaration: DiscoveredDeclaration = {
      name: found.name,
      kind: found.kind,
      range: rangeOf(found.statement),
      nameRange: rangeOf(found.nameNode),
      gradients: [],
    };
    try {
      describeSpec(declaration, found, resolver, analyzer);
    } catch {
      // Code the analysis did not foresee: the declaration itself is still worth a lens and a test item.
    }
    return declaration;
  });
}

/** Fills in the forward and gradient functions and the gradient sites from the declaration's spec object. */
function describeSpec(declaration: DiscoveredDeclaration, found: DeclarationCall, resolver: Resolver, analyzer: GradientAnalyzer): void {
  const spec = specObjectOf(found.call);
  if (!spec) return;

  const forwardProperty = FORWARD_PROPERTY[found.kind];
  const forward = propertyFunction(spec, forwardProperty, resolver);
  if (forward) declaration.forwardFunction = { property: forwardProperty, range: rangeOf(forward.fn ?? forward.node) };

  for (const property of GRADIENT_PROPERTIES[found.kind]) {
    const gradient = propertyFunction(spec, property, resolver);
    if (!gradient) continue;
    declaration.gradientFunction = { property, range: rangeOf(gradient.fn ?? gradient.node) };
    if (gradient.fn) {
      const role: GradientRole = property === 'valueAndGrad' ? 'valueAndGrad' : 'gradients';
      declaration.gradients = analyzer.analyzeFunction(gradient.fn, role).sites;
    }
    break;
  }
}

/** The function a spec property holds: inline, a method, or a name resolved by `resolver`; `node` is what is written. */
function propertyFunction(spec: ts.ObjectLiteralExpression, name: string, resolver: Resolver): { fn?: FunctionNode; node: ts.Node } | undefined {
  const property = findProperty(spec, name);
  if (!property) return undefined;
  if (ts.isMethodDeclaration(property)) return { fn: property, node: property };
  if (ts.isShorthandPropertyAssignment(property)) return { fn: resolver.resolveFunction(property.name), node: property.name };
  if (!ts.isPropertyAssignment(property)) return { node: property };
  const value = stripExpression(property.initializer);
  if (isFunctionNode(value)) return { fn: value, node: value };
  return { fn: resolver.resolveFunction(value), node: property.initializer };
}
