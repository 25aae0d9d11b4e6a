/**
 * Loaded by `npm test` before every test file (`--import`): each commit checks that expire-on-commit
 * left no object of the session holding values (see src/orm/session/expiry-check.ts).
 */
import { checkExpiryOnCommit } from "../../src/orm/session/expiry-check.js";

checkExpiryOnCommit();
