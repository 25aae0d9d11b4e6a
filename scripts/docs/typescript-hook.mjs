// Loader hook: TypeDoc imports "typescript" for its JavaScript API, which the project's
// TypeScript 7 (a native compiler) does not have: give TypeDoc the 5.9 compiler instead.
const TYPESCRIPT = /^typescript(?=\/|$)/;

export function resolve(specifier, context, nextResolve) {
  if (TYPESCRIPT.test(specifier) && typeof context.parentURL === "string" && context.parentURL.includes("/node_modules/typedoc/")) {
    return nextResolve(specifier.replace(TYPESCRIPT, "typescript-5.9"), context);
  }
  return nextResolve(specifier, context);
}
