import type { Row } from './measure.js';
export const HEADER: readonly string[];
export function isPending(r: Row): boolean;
export function verdict(r: Row): 'yes' | 'no' | '';
export function cells(r: Row): string[];
export function markdownTable(rows: Row[]): string;
