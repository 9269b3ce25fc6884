#!/usr/bin/env -S node --no-memory-reducer
// The `openvisit` command: runs the compiled CLI (npm run build writes ../dist). V8's memory reducer
// is off for a server's latency and can only be turned off on node's command line (decision 0024).
let cli;
try {
  cli = await import('../dist/main.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error('openvisit is not built yet: run `npm run build` in the repository root.');
    process.exit(1);
  }
  throw err;
}
process.exit(await cli.run(process.argv.slice(2)));
