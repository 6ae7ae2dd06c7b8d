// One set of defaults (core/defaults.ts): the engine uses them, and the CLI's help, the VS Code settings
// (package.json contributes.configuration) and the docs state the same numbers, with their units.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import {
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_MODE,
  DEFAULT_TIME_LIMIT_MS,
  DEFAULT_TIME_LIMIT_S,
  DEFAULT_TOLERANCE,
  MAX_DEFAULT_WORKERS,
} from '../../core/defaults';
import { PRECISIONS } from '../../core/numerics/precision';
import { registerCheckCommand } from '../../core/cli/check-command';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const sci = (x: number) => x.toExponential();

test('the engine tolerances are the defaults', () => {
  assert.equal(DEFAULT_TIME_LIMIT_MS, DEFAULT_TIME_LIMIT_S * 1000);
  assert.deepEqual(PRECISIONS.float64.tolerance, DEFAULT_TOLERANCE.float64);
  assert.deepEqual(PRECISIONS.float32.tolerance, DEFAULT_TOLERANCE.float32);
});

test('the VS Code settings default to the same values and state their units', () => {
  const settings = JSON.parse(read('package.json')).contributes.configuration.properties;
  const timeLimit = settings['gradlens.timeLimit'];
  assert.equal(timeLimit.default, DEFAULT_TIME_LIMIT_S);
  assert.match(timeLimit.description, new RegExp(`in seconds \\(default ${DEFAULT_TIME_LIMIT_S}\\)`));
  const memory = settings['gradlens.memoryLimit'];
  assert.equal(memory.default, DEFAULT_MEMORY_LIMIT_MB);
  assert.match(memory.description, new RegExp(`in MiB \\(default ${DEFAULT_MEMORY_LIMIT_MB}\\)`));
  const workers = settings['gradlens.workers'];
  assert.equal(workers.default, 0);
  assert.match(workers.description, new RegExp(`number of cores, at most ${MAX_DEFAULT_WORKERS}`));
  const tolerance = settings['gradlens.tolerance'];
  assert.equal(tolerance.default, null);
  assert.match(
    tolerance.description,
    new RegExp(`rtol ${sci(DEFAULT_TOLERANCE.float64.rtol)} for float64 code and ${sci(DEFAULT_TOLERANCE.float32.rtol)} for float32`),
  );
  const mode = settings['gradlens.mode'];
  assert.equal(mode.default, 'declaration');
  assert.match(mode.enumDescriptions[0], new RegExp(`${DEFAULT_MODE} when it asks for none`));
  // The fast mode narrows failing directions down to elements (it says where, not only whether).
  assert.match(mode.enumDescriptions[mode.enum.indexOf('fast')], /halved down to the wrong elements/);
});

test("the CLI's help states the same defaults", () => {
  const program = new Command();
  registerCheckCommand(program);
  const help = program.commands
    .find((c) => c.name() === 'check')!
    .helpInformation()
    .replace(/\s+/g, ' ');
  assert.match(help, new RegExp(`else ${DEFAULT_TIME_LIMIT_S} s`));
  assert.match(help, new RegExp(`in MiB \\(default: "${DEFAULT_MEMORY_LIMIT_MB}"\\)`));
  assert.match(help, new RegExp(`at most ${MAX_DEFAULT_WORKERS}`));
  assert.match(help, new RegExp(`${sci(DEFAULT_TOLERANCE.float64.rtol)} for float64 and ${sci(DEFAULT_TOLERANCE.float32.rtol)} for float32`));
  assert.match(help, new RegExp(`else ${DEFAULT_MODE}`));
});

test('the docs state the same defaults', () => {
  const contract = read('docs/contract.md');
  const row = (option: string) => contract.split('\n').find((l) => l.startsWith(`| \`${option}\` |`)) ?? '';
  assert.match(row('timeLimit'), new RegExp(`${DEFAULT_TIME_LIMIT_MS.toLocaleString('en-US')} ms \\(${DEFAULT_TIME_LIMIT_S} s\\)`));
  assert.match(
    row('tolerance'),
    new RegExp(`\`rtol\` ${sci(DEFAULT_TOLERANCE.float64.rtol)} \\(float64\\), ${sci(DEFAULT_TOLERANCE.float32.rtol)} \\(float32\\)`),
  );
  assert.match(row('mode'), new RegExp(`\`'${DEFAULT_MODE}'\``));
  const readme = read('README.md');
  const defaults = readme.slice(readme.indexOf('### Defaults'));
  assert.match(defaults, new RegExp(`${DEFAULT_TIME_LIMIT_S} s`));
  assert.match(defaults, new RegExp(`${DEFAULT_MEMORY_LIMIT_MB} MiB`));
  assert.match(defaults, new RegExp(`at most ${MAX_DEFAULT_WORKERS}`));
  assert.match(defaults, new RegExp(`${sci(DEFAULT_TOLERANCE.float64.rtol)}.*${sci(DEFAULT_TOLERANCE.float32.rtol)}`));
});
