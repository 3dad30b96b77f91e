/**
 * Every ```ts block of README.md and examples/README.md type-checks, so the documentation cannot
 * drift from the API. How a block is read:
 *
 * - Each block is its own ES module in `test/docs/`, checked against the package's own source
 *   (`breakwater` and `breakwater/*` map to `src/`, as in tsconfig.json) under `strict`,
 *   `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess` and `module: nodenext`, whatever
 *   tsconfig.json says. Top-level `await` is allowed.
 * - Free names. Every block sees the declarations of `test/docs/prelude.d.ts`: the application's own
 *   types, values and functions a snippet takes as given (an `order`, a `charge()`, a `registry`, a
 *   `breaker`). A block's own declaration shadows them. A name that is neither declared by the block
 *   nor in the prelude is an error: add it to the prelude only when a reader would take it as given.
 * - Fragments. A block with no `import` line of its own (`breaker.call(...)`, `new CircuitBreaker({
 *   ... })`) is a fragment: it is checked as if it imported the core's common values
 *   (`FRAGMENT_IMPORT` in compileSnippets.ts: `CircuitBreaker`, `CircuitBreakerRegistry`, `retry`...).
 *   A block with any import line is a whole module and imports everything it uses.
 * - A deliberate error. A block preceded by the line `<!-- snippet: fails -->` (blank lines between
 *   are allowed) shows code that must not compile; the test fails if it compiles, or if all it lacks
 *   is a name (that is a gap in the prelude, not the deliberate error). No other marker exists, and
 *   an unknown one is an error.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CheckedSnippet, compileSnippets } from './compileSnippets.js';
import { extractSnippets, type Snippet } from './snippets.js';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const prelude = `${root}/test/docs/prelude.d.ts`;
const documents = ['README.md', 'examples/README.md'];
const snippets = documents.flatMap((file) => extractSnippets(root, file));

/** A snippet made up by the test itself, to show that the checker can fail. */
function madeUp(code: string, line: number): Snippet {
  return { file: 'made-up.md', line, heading: 'made up', code, expect: 'compiles' };
}
const brokenImport = madeUp(
  "import { CircuitBreaker } from 'breakwater';\nnew CircuitBreaker({ nme: 'x' });",
  1,
);
const brokenFragment = madeUp('const b = new CircuitBreaker();\nconst n: number = b.name;', 2);
const unknownName = madeUp('await chargeTwice(order);', 3);

let checked: CheckedSnippet[] = [];
beforeAll(() => {
  checked = compileSnippets(root, [...snippets, brokenImport, brokenFragment, unknownName], prelude);
}, 120_000);

const errorsOf = (snippet: Snippet): readonly string[] => {
  const found = checked.find((entry) => entry.snippet === snippet);
  if (found === undefined) throw new Error(`${snippet.file}:${snippet.line} was not checked`);
  return found.errors;
};

describe('README snippets', () => {
  it('finds the blocks of both documents', () => {
    expect(snippets.filter((snippet) => snippet.file === 'README.md').length).toBeGreaterThan(20);
  });

  describe.each(snippets.map((snippet) => [`${snippet.file}:${snippet.line} (${snippet.heading})`, snippet]))(
    '%s',
    (_, snippet) => {
      if (snippet.expect === 'fails') {
        it('does not compile, as its marker says', () => {
          expect(errorsOf(snippet)).not.toEqual([]);
          // A name missing from the prelude is not the deliberate error.
          expect(errorsOf(snippet).join('\n')).not.toMatch(/Cannot find name/);
        });
      } else {
        it('compiles', () => {
          expect(errorsOf(snippet)).toEqual([]);
        });
      }
    },
  );
});

describe('the checker', () => {
  it('reports a misspelt option in a whole module', () => {
    expect(errorsOf(brokenImport).join('\n')).toMatch(/'nme' does not exist/);
  });

  it('reports a type error in a fragment, at the fragment’s own line', () => {
    expect(errorsOf(brokenFragment)).toEqual([
      expect.stringMatching(/^2:7 Type 'string' is not assignable to type 'number'/),
    ]);
  });

  it('reports a name that neither the snippet nor the prelude declares', () => {
    expect(errorsOf(unknownName).join('\n')).toMatch(/Cannot find name 'chargeTwice'/);
  });
});
