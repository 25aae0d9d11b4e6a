/**
 * UUIDs cross SQLite and MySQL/MariaDB (stored as text) in lower case, as PostgreSQL's uuid type
 * answers: a key the application gives in upper case finds, and is found as, the same row.
 */
import type { ValueProcessor } from "../../core/compiler/compiled-query.js";

export const lowerCaseUuid: ValueProcessor = (v) => (typeof v === "string" ? v.toLowerCase() : v);
