// The shapes static discovery hands to the editor, the CLI and the report: where each fn/layer/model
// declaration is, where its gradient and forward code live, and which expression produced each gradient.

import type { DeclarationKind, SourceRange } from '../report/types';

export interface GradientSite {
  /** Keys leading to this gradient in the returned object: ['dW'], ['fc1','W'], ['W1'], or [] for a bare tensor. */
  keyPath: string[];
  /** The expression that produced the gradient: an initializer, the last assignment that fills it, or the value itself. */
  range: SourceRange;
  /** The property (or array element) in the returned object/array literal, or the `grads.W = …` assignment. */
  propertyRange: SourceRange;
}

export type GradientProperty = 'backward' | 'grad' | 'valueAndGrad';
export type ForwardProperty = 'forward' | 'f' | 'loss';

export interface DiscoveredDeclaration {
  /** Export name ('default' for export default). */
  name: string;
  kind: DeclarationKind;
  /** The whole declaration statement (for `const a = layer(…), b = fn(…)`: that declarator only). */
  range: SourceRange;
  /** The declared identifier (`a` in `const a = layer(…)`, also when exported as `export { a as b }`), or the call for `export default layer(…)`. */
  nameRange: SourceRange;
  /** The function whose return value holds the gradients: backward (layer), grad or valueAndGrad (fn, model). */
  gradientFunction?: { property: GradientProperty; range: SourceRange };
  /** The forward code: forward (layer), f (fn), loss (model). */
  forwardFunction?: { property: ForwardProperty; range: SourceRange };
  gradients: GradientSite[];
}

export interface DiscoveryResult {
  file: string;
  declarations: DiscoveredDeclaration[];
  /** The file itself and every local file it imports, directly or not (absolute paths; packages excluded). */
  dependencies: string[];
}
