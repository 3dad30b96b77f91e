import { fileURLToPath } from 'node:url';

/**
 * Runs an example's `main()` when its file is executed directly (`npx tsx examples/<name>.ts`), not
 * when a test imports it: prints the outcome, or the error with exit code 1.
 * @param moduleUrl - The example's `import.meta.url`.
 * @param main - The example.
 */
export function runIfMain(moduleUrl: string, main: () => Promise<unknown>): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  main().then(
    (outcome) => console.log(outcome),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
