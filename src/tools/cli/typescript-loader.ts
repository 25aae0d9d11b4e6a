/**
 * Loading `.ts` model files. The CLI runs as compiled JavaScript; Node cannot import TypeScript
 * with decorators by itself, so tsx (an optional peer dependency: only projects with `.ts` models
 * need it, and they usually have it already) is registered the first time a `.ts` file is
 * imported. Without it, the error says how to enable it.
 */
import { CliError } from "./errors.js";

const TYPESCRIPT = /\.[mc]?tsx?$/;

let registered: Promise<void> | undefined;

/** Makes `import()` of the given files work: registers tsx when one of them is TypeScript. */
export function prepareImport(files: readonly string[], display: (file: string) => string): Promise<void> {
  const first = files.find((f) => TYPESCRIPT.test(f) && !/\.d\.[mc]?ts$/.test(f));
  if (first === undefined) return Promise.resolve();
  registered ??= registerTsx(display(first));
  return registered;
}

async function registerTsx(example: string): Promise<void> {
  let api: { register: () => unknown };
  try {
    // A variable specifier: tsx is optional, so neither TypeScript nor a bundler should require it.
    const specifier = "tsx/esm/api";
    api = (await import(specifier)) as typeof api;
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new CliError(
      `${example} is TypeScript, and loading it needs tsx: install it in the project (npm install --save-dev tsx), ` +
        `or compile the models and point athanor at the .js files`,
    );
  }
  api.register();
}
