// Entry of the worker threads when they run from TypeScript sources (vitest,
// tsx, the bench): the real entry's URL (a .ts file) is the last argv. On
// Node 20, tsx registers its loader only in the main thread (`--import tsx` in
// a worker's execArgv is a no-op there), so this thread registers it itself
// before importing the entry. Compiled builds start the .js entries directly
// and never load this file.
import { argv } from 'node:process';
import { register } from 'tsx/esm/api';

register();
await import(argv[argv.length - 1]);
