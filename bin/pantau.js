#!/usr/bin/env node
// Entry of the `pantau` CLI: loads the TypeScript sources through tsx so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../lib/cli/main.ts');
