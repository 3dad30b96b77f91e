import type { ServerResponse } from 'node:http';

/** Headers on every answer: no sniffing, no caching, no framing, no referrer. */
const COMMON: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** @internal Headers every answer carries (the page adds its Content-Security-Policy). */
export const SECURITY_HEADERS = COMMON;

/**
 * @internal Answers with a JSON body. Does nothing if the answer has already begun (a client that
 * went away, a stream in progress).
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** The `error` codes of the handler's JSON errors. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unavailable'
  | 'internal_error';

/** @internal Answers `{ "error": code, "message": message }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  error: ErrorCode,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, { error, message }, headers);
}
