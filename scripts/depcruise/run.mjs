#!/usr/bin/env node
// Runs the dependency-cruiser CLI (same arguments) with TypeScript 5.9 as its parser.
// Both of its ways of reaching "typescript" are redirected: require() (its version
// check reads typescript/package.json) and import() (the compiler itself).
import Module, { register } from "node:module";
import { fromDependencyCruiser, TYPESCRIPT } from "./typescript-hook.mjs";

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (TYPESCRIPT.test(request) && fromDependencyCruiser(parent?.filename)) {
    request = request.replace(TYPESCRIPT, "typescript-5.9");
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
register("./typescript-hook.mjs", import.meta.url);

await import(new URL("../../node_modules/dependency-cruiser/bin/dependency-cruise.mjs", import.meta.url).href);
