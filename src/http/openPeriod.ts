import { expected } from '../options/describe.js';
import { isDuration, MAX_DURATION, parseDuration } from './duration.js';
import type { ControlCommand } from './routes.js';

/** @internal The open period a control request asks for, or why it cannot be used. */
export type OpenPeriod =
  | { readonly ok: true; readonly openFor: number | undefined }
  | { readonly ok: false; readonly message: string };

/**
 * @internal Reads the optional open period of `POST /breakers/:name/open`: `?for=5m` (`500ms`, `30s`,
 * `5m`, `1h` or plain ms) or a JSON body `{ "durationMs": 300000 }`; without either the breaker opens
 * for its current open period. The other commands take no body and no `for`.
 */
export function openPeriod(command: ControlCommand, query: URLSearchParams, body: unknown): OpenPeriod {
  const given = query.get('for');
  let durationMs: unknown;
  if (body !== undefined) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { ok: false, message: 'Expected the body to be a JSON object, such as {"durationMs":5000}' };
    }
    for (const key of Object.keys(body)) {
      if (key !== 'durationMs') {
        return { ok: false, message: `Unknown field \`${key}\` in the body; the only field is durationMs` };
      }
    }
    durationMs = (body as { durationMs?: unknown }).durationMs;
  }
  if (command !== 'open') {
    return given === null && durationMs === undefined
      ? { ok: true, openFor: undefined }
      : { ok: false, message: `Only \`open\` takes a duration; \`${command}\` takes none` };
  }
  if (given !== null && durationMs !== undefined) {
    return { ok: false, message: 'Give the duration once: either ?for= or the body’s durationMs' };
  }
  if (given !== null) {
    const ms = parseDuration(given);
    if (ms !== undefined) return { ok: true, openFor: ms };
    return {
      ok: false,
      message: expected('for', `a duration such as 500ms, 30s, 5m or 1h, at most ${MAX_DURATION} ms`, given),
    };
  }
  if (durationMs === undefined) return { ok: true, openFor: undefined };
  if (isDuration(durationMs)) return { ok: true, openFor: Math.ceil(durationMs) };
  return {
    ok: false,
    message: expected('durationMs', `a duration in ms > 0 and at most ${MAX_DURATION}`, durationMs),
  };
}
