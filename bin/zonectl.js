#!/usr/bin/env node
// Launcher. Runs the build (dist/cli/main.js and its chunks: one esbuild
// bundle, made by `npm run build`) when it is newer than every source file and
// package.json — Node starts it in a fraction of the time — and otherwise the
// TypeScript sources through tsx, so a stale build never runs.
// The bundle sits at the depth of src/cli/main.ts because code that finds
// files beside itself (src/playbook/roles.ts: ../../roles) must resolve the
// same from either.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsFresh() {
  if (process.env.ZONECTL_FROM_SOURCE || !existsSync(built)) return false;
  return statSync(built).mtimeMs >= Math.max(newestSource(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs);
}

if (buildIsFresh()) {
  // Stack traces name the TypeScript sources when debugging; the maps cost nothing unless enabled.
  if (process.env.ZONECTL_DEBUG) process.setSourceMapsEnabled(true);
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
