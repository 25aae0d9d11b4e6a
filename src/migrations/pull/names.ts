/**
 * Names for generated code, from database names: class names (PascalCase, singular), attribute
 * names (camelCase), file names (kebab-case), plurals for collections. Simple English rules, no
 * dictionary: a reader can predict them, and a name that comes out wrong is renamed once by hand.
 */

/** The words of a database name: split at `_`, `-`, spaces, other punctuation and camelCase humps. */
export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** `left_table` → `LeftTable`. */
export function pascalCase(name: string): string {
  return wordsOf(name).map(capital).join("");
}

/** `extra_data` → `extraData`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** `LeftTable` → `left-table`. */
export function kebabCase(name: string): string {
  return wordsOf(name).join("-");
}

const IRREGULAR: Readonly<Record<string, string>> = {
  person: "people",
  child: "children",
  man: "men",
  woman: "women",
  mouse: "mice",
  goose: "geese",
  tooth: "teeth",
  foot: "feet",
  datum: "data",
  index: "indexes",
  status: "statuses",
};
const SINGULAR: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(IRREGULAR).map(([one, many]) => [many, one]));
/** Words whose plural is themselves. */
const UNCOUNTED = new Set(["data", "information", "equipment", "news", "series", "species", "metadata", "media", "sheep", "fish"]);

/** The singular of an English word by common rules (`categories` → `category`, `boxes` → `box`). */
export function singularWord(word: string): string {
  const lower = word.toLowerCase();
  if (UNCOUNTED.has(lower)) return word;
  const irregular = SINGULAR[lower];
  if (irregular) return sameCase(word, irregular);
  if (/[^aeiou]ies$/i.test(word)) return `${word.slice(0, -3)}${sameCase(word.slice(-3), "y")}`;
  if (/(ss|sh|ch|x|z)es$/i.test(word)) return word.slice(0, -2);
  if (/(ss|us|is|os)$/i.test(word) || word.length <= 2) return word;
  if (/s$/i.test(word)) return word.slice(0, -1);
  return word;
}

/** The plural of an English word by common rules (`category` → `categories`, `box` → `boxes`). */
export function pluralWord(word: string): string {
  const lower = word.toLowerCase();
  if (UNCOUNTED.has(lower)) return word;
  const irregular = IRREGULAR[lower];
  if (irregular) return sameCase(word, irregular);
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}${sameCase(word.slice(-1), "ies")}`;
  if (/(s|sh|ch|x|z)$/i.test(word)) return `${word}${sameCase(word.slice(-1), "es")}`;
  return `${word}${sameCase(word.slice(-1), "s")}`;
}

function sameCase(model: string, text: string): string {
  return model === model.toUpperCase() && /[A-Z]/.test(model) ? text.toUpperCase() : text;
}

/** A camelCase or PascalCase identifier with its last word made plural: `associationTable` → `associationTables`. */
export function pluralIdentifier(identifier: string): string {
  const match = /^(.*?)([A-Z]?[a-z0-9]*)$/.exec(identifier)!;
  return `${match[1]}${pluralWord(match[2]!)}`;
}

/** A camelCase or PascalCase identifier with its last word made singular: `LeftTables` → `LeftTable`. */
export function singularIdentifier(identifier: string): string {
  const match = /^(.*?)([A-Z]?[a-z0-9]*)$/.exec(identifier)!;
  return `${match[1]}${singularWord(match[2]!)}`;
}

/**
 * Identifiers a generated class may not take: what its file imports (`Base`, athanor's type
 * names) and globals a model file uses or that would shadow them confusingly.
 */
const RESERVED_CLASSES = new Set([
  "Base", "DeclarativeBase", "Rel", "Given", "Decimal", "Models", "JsonValue",
  "Object", "Function", "Array", "String", "Number", "Boolean", "Symbol", "BigInt", "Date", "Error",
  "Map", "Set", "WeakMap", "WeakSet", "Promise", "Proxy", "Reflect", "JSON", "Math", "RegExp",
  "Uint8Array", "Record", "Partial", "Readonly", "Required", "Pick", "Omit", "Exclude", "NonNullable",
]);

/** JavaScript words that cannot name a class, and that read badly as attributes. */
const KEYWORDS = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
  "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null",
  "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
  "let", "static", "implements", "interface", "package", "private", "protected", "public", "await", "accessor",
]);

/** Attribute names an accessor must not take (`constructor` is the class's own). */
const RESERVED_ATTRIBUTES = new Set(["constructor", "prototype", "__proto__"]);

/** The class name of a table: PascalCase, the last word singular; `Model` added to a reserved or empty one. */
export function classNameOf(tableName: string): string {
  let name = singularIdentifier(pascalCase(tableName));
  if (name === "" || /^[0-9]/.test(name)) name = `T${name}`;
  if (RESERVED_CLASSES.has(name) || KEYWORDS.has(name.toLowerCase())) name = `${name}Model`;
  return name;
}

/** An attribute name from a database name: camelCase, prefixed where it would not be an identifier. */
export function attributeNameOf(name: string): string {
  let attribute = camelCase(name);
  if (attribute === "") attribute = "column";
  if (/^[0-9]/.test(attribute)) attribute = `c${attribute}`;
  if (RESERVED_ATTRIBUTES.has(attribute) || KEYWORDS.has(attribute)) attribute = `${attribute}Value`;
  return attribute;
}

/** A module-level constant name (a plain table in base.ts): camelCase, not a keyword. */
export function constantNameOf(tableName: string): string {
  const name = attributeNameOf(tableName);
  return RESERVED_CLASSES.has(capital(name)) ? `${name}Table` : name;
}

/** The first candidate not in `taken` (then taken), else the first with a number appended. */
export function claimName(candidates: readonly string[], taken: Set<string>): string {
  for (const candidate of candidates) {
    if (candidate && !taken.has(candidate)) {
      taken.add(candidate);
      return candidate;
    }
  }
  const base = candidates.find((c) => c) ?? "item";
  for (let i = 2; ; i++) {
    if (!taken.has(`${base}${i}`)) {
      taken.add(`${base}${i}`);
      return `${base}${i}`;
    }
  }
}

/** A column name without its key suffix: `author_id` → `author`, `ParentID` → `Parent`; undefined if nothing is left. */
export function stripKeySuffix(columnName: string): string | undefined {
  const stripped = columnName.replace(/(_id|_key|_fk|Id|ID|_ID)$/, "");
  return stripped !== columnName && wordsOf(stripped).length > 0 ? stripped : undefined;
}

/** A TypeScript string literal: `"text"` with escapes. */
export function quote(text: string): string {
  return JSON.stringify(text);
}
