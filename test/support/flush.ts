/** Lets every pending promise reaction run (outcomes are recorded when a call's promise settles). */
export async function flush(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise with its settle functions, for calls that finish when the test says so. */
export function deferred<T = unknown>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A logger that keeps what it is given. */
export function recordingLogger(): {
  lines: { level: 'info' | 'warn' | 'error'; fields: Record<string, unknown>; message: string | undefined }[];
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
} {
  const lines: {
    level: 'info' | 'warn' | 'error';
    fields: Record<string, unknown>;
    message: string | undefined;
  }[] = [];
  const at = (level: 'info' | 'warn' | 'error') => (fields: object, message?: string) =>
    lines.push({ level, fields: fields as Record<string, unknown>, message });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}
