#!/usr/bin/env node
// The `athanor` command. It runs the TypeScript sources through tsx, which also lets it import
// the user's .ts model files (tsx is therefore a runtime dependency of the CLI).
import { register } from "tsx/esm/api";

register();
await import("../src/tools/cli/main.ts");
