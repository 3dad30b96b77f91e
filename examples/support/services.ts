import { connect } from 'node:net';

/**
 * Checks that a service the example tests need is listening. When it is not, the tests are skipped
 * with a loud warning — unless `CI` is set or `REQUIRE_SERVICES=1`, in which case this throws and the
 * test file fails: CI must never pass by skipping.
 * @param name - The service, for messages ("PostgreSQL").
 * @param port - Its port on 127.0.0.1.
 * @returns Whether the service is reachable.
 */
export async function requireService(name: string, port: number): Promise<boolean> {
  if (await reachable(port)) return true;
  const message = `${name} is not reachable at 127.0.0.1:${port}`;
  if (process.env.CI || process.env.REQUIRE_SERVICES === '1') {
    throw new Error(`${message}, and CI or REQUIRE_SERVICES=1 requires it.`);
  }
  const bar = '!'.repeat(78);
  console.warn(`\n${bar}\n!! SKIPPED: ${message}; its example tests did not run.\n${bar}\n`);
  return false;
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
