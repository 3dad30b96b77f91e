import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('a pending call does not keep the process alive', () => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/pending-call.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 15_000, // a process kept alive is killed and fails the test below
  });
  expect(child.signal).toBeNull();
  expect(child.status).toBe(0);
  expect(child.stdout).toContain('state=open');
});
