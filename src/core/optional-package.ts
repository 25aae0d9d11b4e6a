/**
 * Optional packages (the database drivers, `@viz-js/viz`) are peer dependencies that athanor
 * imports only when a feature needs them, so an application installs just the ones it uses.
 */
import { MissingPackageError } from "./errors.js";

/**
 * Runs `load` (a dynamic import of a module that imports `packageName`). When Node cannot find
 * that package, throws one MissingPackageError: `what` says what needed it, the message says how
 * to install it. Any other failure (a broken install, a missing dependency of the package itself)
 * is thrown as it is.
 */
export async function importOptionalPackage<T>(packageName: string, what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isPackageNotFound(error, packageName)) throw error;
    throw new MissingPackageError(
      `${what} needs the package '${packageName}', which is not installed. Install it: npm install ${packageName}`,
      packageName,
      { cause: error },
    );
  }
}

/** Node's resolver: "Cannot find package 'pg' imported from ..." (ERR_MODULE_NOT_FOUND). */
function isPackageNotFound(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "ERR_MODULE_NOT_FOUND" && typeof message === "string" && message.includes(`'${packageName}'`);
}
