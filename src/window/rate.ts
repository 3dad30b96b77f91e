/** @internal `part / calls`, or 0 for no calls: a window's failure or slow-call rate. */
export function rate(part: number, calls: number): number {
  return calls === 0 ? 0 : part / calls;
}
