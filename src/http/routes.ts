/** The commands of `POST /breakers/:name/:command`, as they appear in the path. */
export type ControlCommand = 'open' | 'force-open' | 'force-close' | 'reset';

const COMMANDS: readonly ControlCommand[] = ['open', 'force-open', 'force-close', 'reset'];

/** @internal What a request asks for. */
export type Route =
  | { readonly kind: 'page' }
  | { readonly kind: 'health' }
  | { readonly kind: 'list' }
  | { readonly kind: 'events' }
  | { readonly kind: 'breaker'; readonly name: string }
  | { readonly kind: 'control'; readonly name: string; readonly command: ControlCommand };

/** @internal A route and the methods it answers, or why the path matches none. */
export type RouteMatch =
  | { readonly route: Route; readonly allow: readonly string[] }
  | { readonly error: 'not_found' }
  | { readonly error: 'bad_name'; readonly message: string };

const READ = ['GET', 'HEAD'] as const;
const WRITE = ['POST'] as const;

/**
 * @internal Matches a path below the base path (see `requestTarget`) to a route. A breaker's name is
 * one path segment, percent-decoded once (`/breakers/tenants%3Aacme` is `tenants:acme`): a `/` in a
 * name travels as `%2F`, and a decoded name is never split, normalised or resolved further.
 */
export function matchRoute(path: string): RouteMatch {
  switch (path) {
    case '':
    case '/':
      return { route: { kind: 'page' }, allow: READ };
    case '/health':
      return { route: { kind: 'health' }, allow: READ };
    case '/breakers':
      return { route: { kind: 'list' }, allow: READ };
    case '/events':
      return { route: { kind: 'events' }, allow: READ };
  }
  const segments = path.split('/');
  // ['', 'breakers', name] or ['', 'breakers', name, command]
  if (segments[0] !== '' || segments[1] !== 'breakers' || segments[2] === '') return { error: 'not_found' };
  if (segments.length !== 3 && segments.length !== 4) return { error: 'not_found' };
  const command = segments[3];
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command)) {
    return { error: 'not_found' };
  }
  let name: string;
  try {
    name = decodeURIComponent(segments[2]!);
  } catch {
    return {
      error: 'bad_name',
      message:
        'The breaker name in the path is not valid percent-encoding (encode it with encodeURIComponent)',
    };
  }
  if (command === undefined) return { route: { kind: 'breaker', name }, allow: READ };
  return { route: { kind: 'control', name, command: command as ControlCommand }, allow: WRITE };
}
