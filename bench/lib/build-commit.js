// @ts-check
/**
 * Builds breakwater as it was at an earlier commit, for benches that set this build against it:
 * `git archive` of the commit into `node_modules/.cache/breakwater-bench/<sha>`, built with tsdown
 * once and reused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds `commit` once into the cache and returns its entry point, or why it cannot.
 * @param {string} commit - A commit of this repository (a short sha is enough).
 * @returns {{ entry: string } | { missing: string }}
 */
export function buildCommit(commit) {
  let sha;
  try {
    sha = execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
  } catch {
    return { missing: `pending: needs git and commit ${commit} (a clone, not a tarball)` };
  }
  const dir = `${root}node_modules/.cache/breakwater-bench/${sha}`;
  const entry = `${dir}/dist/index.js`;
  if (existsSync(entry)) return { entry };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = ['src', 'package.json', 'tsconfig.json', 'tsdown.config.ts'];
  const archive = execFileSync('git', ['archive', sha, ...files], { cwd: root, maxBuffer: 64 << 20 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(`${root}node_modules`, `${dir}/node_modules`, 'dir');
  execFileSync(`${root}node_modules/.bin/tsdown`, [], { cwd: dir, stdio: 'ignore' });
  return { entry };
}
