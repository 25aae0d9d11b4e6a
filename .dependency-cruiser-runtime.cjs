// The rules about run-time imports: the graph as Node loads it, with every
// `import type` erased (tsPreCompilationDeps: false). Run: npm run deps.
// Cruising the erased graph, rather than filtering type-only edges out of cycles found
// in the full graph, finds every run-time cycle: dependency-cruiser reports one cycle
// per import, and that one may pass through a type-only edge while a run-time cycle
// through the same import goes unreported.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-runtime-cycle",
      comment:
        "A run-time import cycle makes the load order decide which module sees the other half-initialised. " +
        "Break it: move the shared piece into its own module, or import only types (`import type`).",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "orm-state-uses-mapping-types-only",
      comment:
        "Instance state (src/orm/state) reads mapping information it is handed; " +
        "it may name mapping's types but must not import its code (`import type` only).",
      severity: "error",
      from: { path: "^src/orm/state/" },
      to: { path: "^src/orm/mapping/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Erase type-only imports, as the compiler does (verbatimModuleSyntax keeps the rest).
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
