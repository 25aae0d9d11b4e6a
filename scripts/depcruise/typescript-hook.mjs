// Loader hook: when dependency-cruiser imports "typescript", give it the 5.9 compiler.
// The project's "typescript" is 7 (the native compiler, no JavaScript API), which
// dependency-cruiser cannot parse with: without this it silently cruises 0 modules.
const TYPESCRIPT = /^typescript(?=\/|$)/;

export function fromDependencyCruiser(parent) {
  return typeof parent === "string" && parent.includes("/node_modules/dependency-cruiser/");
}

export function resolve(specifier, context, nextResolve) {
  if (TYPESCRIPT.test(specifier) && fromDependencyCruiser(context.parentURL)) {
    return nextResolve(specifier.replace(TYPESCRIPT, "typescript-5.9"), context);
  }
  return nextResolve(specifier, context);
}

export { TYPESCRIPT };
