/** Shapes the bridge and the simulator send; type-only imports, so the bundle stays small. */
export type { CounterView } from '@okienko/protocol';
export type { PanelView } from '../../sim/routes.ts';
