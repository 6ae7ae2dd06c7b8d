// Entry point of the restricted scenario's suite (extensionTestsPath).
import { runMocha } from '../mocha-runner';

export function run(): Promise<void> {
  return runMocha(__dirname);
}
