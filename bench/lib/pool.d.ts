import type { Row } from './measure.js';
export function pool(runs: Row[][]): Row[];
