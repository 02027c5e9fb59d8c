#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx okienko …` works in a clone with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
