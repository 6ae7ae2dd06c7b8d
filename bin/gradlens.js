#!/usr/bin/env node
// The `gradlens` command: the bundled CLI in dist/ (built by `npm run build`).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('gradlens: dist/cli.js is missing: run `npm run build` first\n');
  process.exit(2);
}
require(cli)
  .buildProgram()
  .parseAsync(process.argv)
  .catch((e) => {
    process.stderr.write(`gradlens: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  });
