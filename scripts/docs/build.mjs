// `npm run docs`: the API reference and the guides of docs/ as one offline HTML site, in
// docs-site/ (git-ignored). Settings are in typedoc.json; an undocumented export is an error.
import { register } from "node:module";
import { fileURLToPath } from "node:url";

register("./typescript-hook.mjs", import.meta.url);
const root = fileURLToPath(new URL("../..", import.meta.url));
const { Application } = await import("typedoc");
const app = await Application.bootstrapWithPlugins({ options: `${root}typedoc.json`, ...parseArgs(process.argv.slice(2)) });
const project = await app.convert();
if (!project) process.exit(1);
// Validation (an undocumented export, a broken {@link}) fails the build, as the TypeDoc CLI
// does with treatValidationWarningsAsErrors; other warnings (a guide's link to a folder) do not.
app.validate(project);
if (app.logger.hasErrors() || app.logger.validationWarningCount > 0) {
  console.error("npm run docs: the API reference is incomplete (see above)");
  process.exit(1);
}
await app.generateOutputs(project);
if (app.logger.hasErrors()) process.exit(1);

/** `--out dir` only: the test builds into its own folder. */
function parseArgs(argv) {
  const i = argv.indexOf("--out");
  return i === -1 ? {} : { out: argv[i + 1] };
}
