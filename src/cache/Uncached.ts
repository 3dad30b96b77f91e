/**
 * @internal A value a protected function resolves with that counts as a success for the breaker but
 * is never cached: the opossum subpath's errors that `errorFilter` accepts (opossum counts them as
 * successes, and its caller still gets the error). Callers that share the call get it too.
 */
export class Uncached {
  constructor(readonly value: unknown) {}
}
