import type { IncomingMessage } from 'node:http';

/** The part of a request's URL the handler routes on. */
export interface RequestTarget {
  /** The path below the handler's base path, still percent-encoded: `''`, `/health`, `/breakers/a%3Ab`. */
  readonly path: string;
  /** The query string's parameters. */
  readonly query: URLSearchParams;
}

/**
 * @internal The path and query of a request below `basePath`, or `undefined` when the request is
 * outside it. The path is split off by hand, never through `new URL()`, which would resolve `..`
 * and `.` segments: names are not paths.
 *
 * With a `basePath`, the whole URL is read (`req.originalUrl` under Express, which strips its mount
 * path from `req.url`); without one, `req.url` as the server or framework passes it.
 */
export function requestTarget(req: IncomingMessage, basePath: string): RequestTarget | undefined {
  const original = (req as { originalUrl?: unknown }).originalUrl;
  let url = basePath !== '' && typeof original === 'string' ? original : (req.url ?? '/');
  // An absolute-form request target (`GET http://host/path`), as sent to proxies.
  const authority = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i.exec(url);
  if (authority !== null) url = url.slice(authority[0].length) || '/';
  const hash = url.indexOf('#');
  if (hash !== -1) url = url.slice(0, hash);
  const mark = url.indexOf('?');
  let path = mark === -1 ? url : url.slice(0, mark);
  const query = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
  if (basePath !== '') {
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return undefined;
    path = path.slice(basePath.length);
  }
  return { path, query };
}
