// One-way folders of athanor (issue 13). Run: npm run deps.
// Every import counts here, type-only ones too: a layer may not even name a type
// from a layer above it. The rules about run-time imports only (the cycle rule, and
// state/ using mapping/ for its types alone) are in .dependency-cruiser-runtime.cjs.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-imports-only-core",
      comment:
        "src/core is the bottom layer (schema, expressions, compilers): it imports nothing else of src/. " +
        "Move the shared piece down into core, or invert the dependency.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "engine-imports-only-core-and-engine",
      comment: "src/engine runs statements for any dialect: it knows core and itself, never dialects, orm or tools.",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { path: "^src/", pathNot: "^src/(core|engine)/" },
    },
    {
      name: "dialects-import-only-core-engine-dialects",
      comment: "A dialect implements core's compiler and engine's driver: it never reaches the ORM or tools.",
      severity: "error",
      from: { path: "^src/dialects/" },
      to: { path: "^src/", pathNot: "^src/(core|engine|dialects)/" },
    },
    {
      name: "orm-not-on-tools-migrations-dialects",
      comment:
        "The ORM works through core and engine for every database: it imports no dialect, " +
        "and neither tools nor migrations (they sit above it).",
      severity: "error",
      from: { path: "^src/orm/" },
      to: { path: "^src/(tools|migrations|dialects)/" },
    },
    {
      name: "migrations-not-on-orm-tools-dialects",
      comment:
        "src/migrations works through core's Dialect and the engine's Connection for every database: " +
        "it imports neither the ORM, nor a dialect, nor the tools built on it (the CLI passes dialects in).",
      severity: "error",
      from: { path: "^src/migrations/" },
      to: { path: "^src/(orm|tools|dialects)/" },
    },
    {
      name: "lower-layers-not-on-migrations",
      comment: "core, engine and dialects sit below the migrations layer: they never import it.",
      severity: "error",
      from: { path: "^src/(core|engine|dialects)/" },
      to: { path: "^src/migrations/" },
    },
    {
      name: "no-layer-imports-the-barrel",
      comment: "src/index.ts is the public surface for users; inside src/ import the module itself.",
      severity: "error",
      from: { path: "^src/(core|engine|dialects|orm|migrations)/" },
      to: { path: "^src/index[.]ts$" },
    },
    {
      name: "orm-loading-and-unit-of-work-not-on-session",
      comment:
        "Loading and the unit of work are driven by the Session, never the other way round: " +
        "pass what they need (identity map, connection) in.",
      severity: "error",
      from: { path: "^src/orm/(loading|unit-of-work)/" },
      to: { path: "^src/orm/session/" },
    },
    {
      name: "orm-identity-is-a-leaf-of-the-session",
      comment:
        "src/orm/identity (identity map) is used by session, loading and the unit of work; it imports none of them.",
      severity: "error",
      from: { path: "^src/orm/identity/" },
      to: { path: "^src/orm/(session|loading|unit-of-work)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Keep `import type` edges in the graph (dependencyTypes "type-only").
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
