import type { BackendOptions } from './backend-info.js';

/**
 * The backends numeric tests run on, reference first: `[{ type: 'cpu' }, { type: 'wasm' }]`
 * (like tfjs' `describeWithFlags`). Use with `describe.each(backendMatrix())`, or compute on the
 * first entry and compare every other entry against it.
 */
export function backendMatrix(): BackendOptions[] {
  return [{ type: 'cpu' }, { type: 'wasm' }];
}
