#!/usr/bin/env node
// The `athanor` command: the compiled CLI in dist/, run by plain Node (no TypeScript at start).
// TypeScript model files are loaded through tsx, registered only when the models are .ts files.
import { existsSync } from "node:fs";

const main = new URL("../dist/tools/cli/bin.js", import.meta.url);
if (!existsSync(main)) {
  // Only a checkout of the repository lacks dist/; the published package is built on pack.
  process.stderr.write("athanor: dist/ is missing: run `npm run build` first (the command runs the compiled library)\n");
  process.exit(2);
}
await import(main.href);
