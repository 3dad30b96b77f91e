export interface Rule {
  failureThreshold?: number;
  failureRateThreshold?: number;
  minimumCalls: number;
}
export interface CallLog {
  readonly at: readonly number[];
  readonly failed: readonly number[];
}
export function overshoot(
  logs: readonly CallLog[],
  opens: readonly number[],
  rule: Rule,
): { failures: number; after: number; crossedAt: number; allOpenAfter: number };
export function failuresAlone(log: CallLog, rule: Rule): number;
