// Runs the *.test.js files next to a scenario's index.js with mocha, inside the extension host. Mocha's
// report also goes to GRADLENS_E2E_RESULTS (when the runner set it), since the extension host's console is
// not the runner's terminal.
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function runMocha(directory: string): Promise<void> {
  const grep = process.env.GRADLENS_E2E_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  const results = process.env.GRADLENS_E2E_RESULTS;
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const original = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    original(...args);
    if (results) appendFileSync(results, `${format(...args)}\n`);
  };
  for (const name of readdirSync(directory).sort()) if (name.endsWith('.test.js')) mocha.addFile(join(directory, name));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      base.consoleLog = original;
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
