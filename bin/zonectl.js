#!/usr/bin/env node
// Thin launcher: runs the TypeScript sources through tsx, so there is no stale build to trust.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
