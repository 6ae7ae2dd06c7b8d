// The grader's jobs in a worker process ('grade:plan', 'grade:submission'; see ./worker.ts), registered with the
// runner's handler registry. The worker's entry (core/runner/worker-main.ts) imports this module, as it imports
// the engine's registrations, so the runner itself knows nothing of grading.

import { registerHandler } from '../runner/handlers';
import { gradeHandlers } from './worker';

for (const [type, handler] of Object.entries(gradeHandlers)) registerHandler(type, handler);
