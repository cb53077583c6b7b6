#!/usr/bin/env node
// The command's entry: a committed file, so `npm ci` links it before anything is built.
try {
  require.resolve('../dist/main.js');
} catch {
  process.stderr.write('payhook: the CLI is not built yet: run `npm run build` (or `npm start`) first\n');
  process.exit(1);
}
require('../dist/main.js');
