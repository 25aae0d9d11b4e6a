/**
 * The process side of the `athanor` command (bin/athanor.mjs imports it): runs `main` with the
 * process's arguments, environment and streams, and sets the exit code.
 */
import type { Output } from "./check.js";
import { main } from "./main.js";

const io: Output = {
  out: (text) => process.stdout.write(text + "\n"),
  err: (text) => process.stderr.write(text + "\n"),
};
process.exitCode = await main(process.argv.slice(2), process.env, process.cwd(), io);
