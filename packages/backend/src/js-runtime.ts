/** The JavaScript runtime this process runs in, as far as backend loading cares. */
export type JsRuntime = 'node' | 'deno' | 'bun' | 'browser' | 'other';

/** Detects the runtime without touching any runtime-specific module. */
export function detectRuntime(): JsRuntime {
  const g = globalThis as Record<string, unknown>;
  if (g['Deno'] !== undefined) return 'deno';
  if (g['Bun'] !== undefined) return 'bun';
  const proc = g['process'] as { versions?: { node?: unknown } } | undefined;
  if (typeof proc?.versions?.node === 'string') return 'node';
  if (typeof g['window'] === 'object' || typeof g['importScripts'] === 'function') return 'browser';
  return 'other';
}

/**
 * Imports a Node built-in by a specifier bundlers cannot see, so browser bundles never try to
 * resolve `node:*`. Only call it after {@link detectRuntime} said `'node'`.
 */
export async function importNodeBuiltin<T>(name: `node:${string}`): Promise<T> {
  const specifier: string = name;
  return (await import(/* @vite-ignore */ specifier)) as T;
}
