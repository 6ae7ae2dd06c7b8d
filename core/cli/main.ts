// The `gradlens` command.

import { Command } from 'commander';
import { VERSION } from '../report/run';
import { registerCheckCommand } from './check-command';
import { registerInitCommand } from './init-command';
import { registerGradeCommand } from '../grade/command';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('gradlens')
    .description('Checks hand-written backprop code: analytic gradients against numerical derivatives of your forward code.')
    .version(VERSION)
    .showHelpAfterError();
  registerCheckCommand(program);
  registerInitCommand(program);
  registerGradeCommand(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.stderr.write(`gradlens: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    });
}
