export interface Variant {
  name: string;
  run(n: number): unknown;
}
export interface MeasureOptions {
  rounds?: number;
  warmup?: number;
  batchMs?: number;
  n?: number;
}
export interface Row {
  scenario: string;
  variant: string;
  value: number | null;
  unit: string;
  ratio?: number;
  floor?: string;
  spread?: number;
  ratioMin?: number;
  ratioMax?: number;
  runs: number;
  target?: number;
  higherIsBetter?: boolean;
  note?: string;
  samples?: number[];
  perRound?: number[];
  alsoPerRound?: number[];
  alsoName?: string;
}
export const MIN_ROUNDS: number;
export const CHUNK: number;
export function roundsFor(variants: number, minimum?: number): number;
export function cpuNow(): number;
export function timeBatch(variant: Variant, n: number): Promise<number>;
export function calibrate(variant: Variant, batchMs: number): Promise<number>;
export function interleave(variants: Variant[], options?: MeasureOptions): Promise<Record<string, number[]>>;
export function row(
  scenario: string,
  variant: string,
  values: readonly number[],
  floor: readonly number[],
  floorName: string,
  extra?: {
    target?: number;
    unit?: string;
    note?: string;
    scale?: number;
    also?: { floor: readonly number[]; name: string };
  },
): Row;
export function summarise(r: Row): Row;
export function noteOf(r: Row): string;
export function valueRow(
  scenario: string,
  variant: string,
  value: number,
  unit: string,
  extra?: { target?: number; higherIsBetter?: boolean; note?: string },
): Row;
export function pendingRow(scenario: string, unit: string, note: string, target?: number): Row;
export function report(group: string, rows: Row[]): void;
