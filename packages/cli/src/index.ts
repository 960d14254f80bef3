export { main, USAGE } from './cli.js';
export type { CliIo } from './io.js';
