import { readFileSync } from 'node:fs';
import ts from 'typescript';
import type { Snippet } from './snippets.js';

/** A snippet with what the type checker said about it. */
export interface CheckedSnippet {
  readonly snippet: Snippet;
  /** The checker's messages, each as `line:column message` relative to the snippet's first line. */
  readonly errors: readonly string[];
}

/**
 * The options every snippet is checked under, whatever the repository's tsconfig says: the strictest
 * settings a user's project is likely to have (`tsc --init` in TypeScript 6 turns on the first three).
 */
const REQUIRED: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  noEmit: true,
};

/**
 * What a fragment (a snippet without an `import` of its own) is taken to have imported: the core's
 * values that README fragments use. A snippet with any import line is a whole module and imports
 * everything itself.
 */
export const FRAGMENT_IMPORT =
  "import { CircuitBreaker, CircuitBreakerOpenError, CircuitBreakerRegistry, CircuitState, FakeClock, optionsFromEnv, presets, protect, retry } from 'breakwater';";

/** Whether a snippet is a fragment: it has no line starting with `import`. */
export function isFragment(code: string): boolean {
  return !/^import\s/m.test(code);
}

/**
 * Type-checks snippets in one program, each as its own ES module in `test/docs/` (so that the
 * package's `"type": "module"` applies and top-level `await` is allowed), against the package's own
 * source: the repository's tsconfig maps `breakwater` and `breakwater/*` to `src/`. The prelude (a
 * declaration file of globals) gives fragments the free names they use.
 * @param root - The repository's directory.
 * @param snippets - What to check.
 * @param prelude - Path of the prelude, a `.d.ts` of ambient declarations.
 * @returns One entry per snippet, in order; `errors` is empty when it compiles.
 * @throws Error when the prelude itself does not compile.
 */
export function compileSnippets(
  root: string,
  snippets: readonly Snippet[],
  prelude: string,
): CheckedSnippet[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${root}/tsconfig.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('tsconfig.json could not be read');
  const options: ts.CompilerOptions = { ...config.options, ...REQUIRED };

  const files = new Map<string, string>();
  const names = snippets.map((snippet) => {
    const name = `${root}/test/docs/snippet-${snippet.file.replace(/[^\w]+/g, '-')}-${snippet.line}.ts`;
    // `export {}` makes every snippet a module: its declarations do not leak into the others. A
    // fragment's import goes last (imports are hoisted), so that line numbers stay the snippet's.
    const header = isFragment(snippet.code) ? `\n${FRAGMENT_IMPORT}` : '';
    files.set(name, `${snippet.code}${header}\nexport {};\n`);
    return name;
  });
  files.set(prelude, readFileSync(prelude, 'utf8'));

  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError, shouldCreate) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile.call(host, name, language, onError, shouldCreate)
      : ts.createSourceFile(name, text, language, true);
  };

  const program = ts.createProgram({ rootNames: [prelude, ...names], options, host });
  const preludeErrors = diagnosticsOf(program, prelude);
  if (preludeErrors.length > 0) throw new Error(`The prelude does not compile:\n${preludeErrors.join('\n')}`);
  return snippets.map((snippet, i) => ({ snippet, errors: diagnosticsOf(program, names[i] ?? '') }));
}

function diagnosticsOf(program: ts.Program, name: string): string[] {
  const file = program.getSourceFile(name);
  if (file === undefined) return [`${name} is not part of the program`];
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map(
    (diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (diagnostic.start === undefined) return message;
      const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start);
      return `${line + 1}:${character + 1} ${message}`;
    },
  );
}
