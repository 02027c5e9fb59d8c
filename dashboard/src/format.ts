import { DEFAULT_TIME_ZONE, formatHhMm } from '@okienko/protocol/time';

export const hhmm = (ms: number): string => formatHhMm(ms, DEFAULT_TIME_ZONE);
