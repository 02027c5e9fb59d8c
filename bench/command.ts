import type { Command } from '../cli/options.ts';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'benchmarks',
  settings: {},
  async run() {
    throw new Error('not yet');
  },
};
