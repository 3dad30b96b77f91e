import { readFileSync } from 'node:fs';

/** What a marker comment before a ```ts block says about it. */
export type SnippetExpectation = 'compiles' | 'fails';

/** One ```ts block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, relative to the repository (`README.md`). */
  readonly file: string;
  /** Line of the opening fence (1-based), for messages and for the virtual file's name. */
  readonly line: number;
  /** The nearest heading above the block, for the test's name. */
  readonly heading: string;
  /** The code between the fences. */
  readonly code: string;
  /** `'fails'` when the block is marked `<!-- snippet: fails -->`: it must not compile. */
  readonly expect: SnippetExpectation;
}

const MARKER = /^<!--\s*snippet:\s*(\S+)\s*-->$/;

/**
 * Every ```ts (or ```typescript) block of a Markdown file, in order. A block is marked by an HTML
 * comment on the line just before its fence (blank lines between are allowed):
 * `<!-- snippet: fails -->` is a deliberate error that must not compile. Any other marker is an
 * error, so that a typo in a marker cannot silently change what is checked.
 * @param root - The repository's directory.
 * @param file - The Markdown file, relative to `root`.
 * @throws Error for an unknown marker or an unclosed block.
 */
export function extractSnippets(root: string, file: string): Snippet[] {
  const lines = readFileSync(`${root}/${file}`, 'utf8').split('\n');
  const snippets: Snippet[] = [];
  let heading = '(top)';
  let marker: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = /^(`{3,})(\S*)/.exec(line);
    if (fence === null) {
      if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
      const marked = MARKER.exec(line.trim());
      if (marked !== null) marker = marked[1];
      else if (line.trim() !== '') marker = undefined;
      continue;
    }
    const [, ticks = '```', language = ''] = fence;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith(ticks); i++) body.push(lines[i] ?? '');
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: the code block is never closed`);
    if (language === 'ts' || language === 'typescript') {
      if (marker !== undefined && marker !== 'fails') {
        throw new Error(
          `${file}:${start}: unknown snippet marker \`${marker}\` (the one marker is \`fails\`)`,
        );
      }
      snippets.push({
        file,
        line: start + 1,
        heading,
        code: body.join('\n'),
        expect: marker === 'fails' ? 'fails' : 'compiles',
      });
    }
    marker = undefined;
  }
  return snippets;
}
