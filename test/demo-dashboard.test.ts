import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { until } from './support/listen.js';

it('npm run demo -- --dashboard: serves the dashboard on 127.0.0.1 until Ctrl-C, then exits 130', async () => {
  // As `npm run demo -- --dashboard` runs it (tsx, loaded into node itself: the tsx wrapper process
  // gives its child only 30 ms to handle SIGINT before killing it), fast, on any free port.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--dashboard', '--speed', '8'],
    {
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const url = await until(
      () => /dashboard +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1],
      'the address',
      30_000,
    );
    const token = /control token +([0-9a-f]{24})/.exec(stdout)?.[1];
    expect(token).toBeDefined();

    const health = await fetch(`${url}health`);
    expect(health.status).toBe(200);
    expect((await health.json()).breakers).toHaveProperty('price-api');
    const page = await fetch(url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('"title":"breakwater demo"');

    // The story runs: the breaker opens, and the printed token controls it.
    await until(() => /closed → OPEN/.test(stdout), 'the breaker opening', 30_000);
    const reset = await fetch(`${url}breakers/price-api/reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(reset.status).toBe(200);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(130);
  expect(stderr).toBe('');
  expect(stdout).toContain('Stopped.');
}, 60_000);
