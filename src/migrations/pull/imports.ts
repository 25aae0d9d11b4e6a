/** The import lines of one generated module: names from athanor (values and types) and from sibling files. */
export class ImportSet {
  private readonly library = new Map<string, boolean>();
  private readonly siblings = new Map<string, Map<string, boolean>>();

  /** A value from athanor (`column`, `integer`...). */
  value(name: string): string {
    this.library.set(name, false);
    return name;
  }

  /** A type from athanor (`Rel`, `Given`...), imported as `type Name`. */
  type(name: string): string {
    if (!this.library.has(name)) this.library.set(name, true);
    return name;
  }

  /** A name from a sibling module (`./base.js`); type-only imports are `import type`. */
  sibling(file: string, name: string, typeOnly: boolean): string {
    const names = this.siblings.get(file) ?? new Map<string, boolean>();
    names.set(name, (names.get(name) ?? true) && typeOnly);
    this.siblings.set(file, names);
    return name;
  }

  /** The import statements: athanor's first, then the siblings', values before `import type`. */
  lines(specifier: string): string[] {
    const lines: string[] = [];
    const names = [...this.library.entries()]
      .sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase()))
      .map(([name, typeOnly]) => (typeOnly ? `type ${name}` : name));
    if (names.length) lines.push(`import { ${names.join(", ")} } from ${JSON.stringify(specifier)};`);
    const allTypes = (names: Map<string, boolean>) => [...names.values()].every((t) => t);
    const files = [...this.siblings.entries()].sort(([a, x], [b, y]) => Number(allTypes(x)) - Number(allTypes(y)) || a.localeCompare(b));
    for (const [file, names] of files) {
      const typeOnly = allTypes(names);
      const list = [...names.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => (t && !typeOnly ? `type ${name}` : name));
      lines.push(`import ${typeOnly ? "type " : ""}{ ${list.join(", ")} } from ${JSON.stringify(`./${file}.js`)};`);
    }
    return lines;
  }
}
