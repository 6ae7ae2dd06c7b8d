// The package's public entry: what `import { layer, randn } from 'gradlens'` gives a model file.
export { fn, layer, model, isDeclaration } from './contract/declarations';
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
export { randn, rand, randint, zeros, ones, tensor } from './contract/tensor';
export type { DType, FloatArray, NestedNumbers, NestedOf, Tensor, TensorInit, TensorValue } from './contract/tensor';
export { assignment, isAssignment } from './grade/assignment';
export type { Assignment, AssignmentSpec, FnTask, LayerTask, ModelTask, Task, TaskPoints, Visibility } from './grade/assignment';
