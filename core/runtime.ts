// What `import … from 'gradlens'` is inside a worker process: the contract's values (the declaration builders,
// the tensor helpers, the assignment builder). core/runner/compile.ts points every bundle's 'gradlens' at a
// global that core/runner/worker-main.ts sets to this module, so user code and the handlers share one copy
// (its brands and helpers). core/index.ts, the package's public entry, re-exports all of it with the types.

export { fn, layer, model, isDeclaration } from './contract/declarations';
export { randn, rand, randint, zeros, ones, tensor } from './contract/tensor';
export { assignment, isAssignment } from './grade/assignment';
