/** Shapes the bridge and the simulator send, from the one contract; type-only, so the bundle stays small. */
export type { CounterView, PanelView } from '@okienko/protocol';
