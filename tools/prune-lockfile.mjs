#!/usr/bin/env node
// Runs after every `npm install` / `npm ci` (root postinstall). The registry this project installs
// from serves only some platforms' prebuilt binaries (e.g. @nx/nx-linux-x64-gnu but not
// @nx/nx-darwin-arm64). npm leaves the unservable ones listed as optional dependencies in
// package-lock.json without an entry of their own, and `npm ci` then rejects the lock as out of
// sync. This drops exactly those dangling optional entries; everything installable stays.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../package-lock.json', import.meta.url));
let text;
try {
  text = readFileSync(file, 'utf8');
} catch {
  process.exit(0); // no lock yet: nothing to prune
}
const lock = JSON.parse(text);
const present = new Set(
  Object.keys(lock.packages ?? {}).map((key) => key.replace(/^.*node_modules\//, '')),
);
const dropped = [];
for (const entry of Object.values(lock.packages ?? {})) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      dropped.push(name);
    }
  }
}
if (dropped.length > 0) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(lock, null, 2)}\n`);
  (await import('node:fs')).renameSync(tmp, file);
  console.log(
    `prune-lockfile: dropped ${dropped.length} optional dependencies the registry does not serve`,
  );
}
