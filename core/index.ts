// The package's public entry: what `import { layer, randn } from 'gradlens'` gives a model file. Its values are
// core/runtime.ts (what the same import is inside a worker process); add new ones there.
export * from './runtime';
export type {
  CheckOptions,
  Ctx,
  Declaration,
  FnDeclaration,
  FnSpec,
  Gradients,
  LayerDeclaration,
  LayerSpec,
  Materialize,
  Mode,
  ModelDeclaration,
  ModelSpec,
} from './contract/declarations';
export type { DType, FloatArray, NestedNumbers, NestedOf, Tensor, TensorInit, TensorValue } from './contract/tensor';
export type { Assignment, AssignmentSpec, FnTask, LayerTask, ModelTask, Task, TaskPoints, Visibility } from './grade/assignment';
