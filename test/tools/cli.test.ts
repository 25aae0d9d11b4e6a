/**
 * The `athanor` command, run as a child process (`node bin/athanor.mjs ...`): check on sound and
 * broken models, diagrams in Mermaid and SVG, configuration sources, and one-line errors.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { buildDist } from "../support/dist.js";
import { repoRoot as root } from "../support/repo-root.js";

// bin/athanor.mjs runs the compiled CLI.
before(buildDist);
const bin = join(root, "bin/athanor.mjs");
const fixtures = join(root, "test/tools/fixtures");
const scratch = mkdtempSync(join(tmpdir(), "athanor-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function athanor(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const key of ["ATHANOR_URL", "ATHANOR_MODELS"]) if (!(options.env && key in options.env)) delete env[key];
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A bad-input failure: non-zero, exactly one line on stderr, no stack trace, nothing on stdout. */
function assertOneLineError(run: Run, pattern: RegExp, code = 2): void {
  assert.equal(run.code, code, `exit code; stderr: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, /^athanor: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  assert.equal(run.stdout, "");
}

/** The relationship lines of a Mermaid erDiagram: `a ||--o{ b : "label"`. */
function mermaidLinks(text: string): { from: string; card: string; to: string; label: string }[] {
  const links = [];
  for (const line of text.split("\n")) {
    const m = /^\s*([\w-]+)\s+([|}][|o](?:--|\.\.)[o|][|{])\s+([\w-]+)\s*:\s*"([^"]*)"\s*$/.exec(line);
    if (m) links.push({ from: m[1]!, card: m[2]!, to: m[3]!, label: m[4]! });
  }
  return links;
}

describe("athanor check", () => {
  test("examples/seed: sound, with a summary of models, tables and relationships by kind", () => {
    const run = athanor(["check", "examples/seed"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /OK, no problems/);
    assert.match(run.stdout, /models\s+3\s+\(Association, Child, Parent\)/);
    assert.match(run.stdout, /tables\s+3\s+\(association_table, left_table, right_table\)/);
    assert.match(run.stdout, /relationships\s+6\n/);
    assert.match(run.stdout, /manyToOne\s+2\n/);
    assert.match(run.stdout, /oneToMany\s+2\n/);
    assert.match(run.stdout, /oneToOne\s+0\n/);
    assert.match(run.stdout, /manyToMany\s+2\s+\(2 through an association object\)/);
    // demo.ts runs a database demo at top level: it is left out, and said so.
    assert.match(run.stdout, /skipped\s+examples\/seed\/demo\.ts/);
    assert.ok(run.stdout.split("\n").length <= 24, "fits on one screen");
  });

  test("examples/blog: sound, every kind of relationship counted", () => {
    const run = athanor(["check", "examples/blog"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /models\s+8\s/);
    assert.match(run.stdout, /tables\s+10\s/);
    assert.match(run.stdout, /relationships\s+24\n/);
    assert.match(run.stdout, /manyToOne\s+8\n/);
    assert.match(run.stdout, /oneToMany\s+8\n/);
    assert.match(run.stdout, /oneToOne\s+2\n/);
    assert.match(run.stdout, /manyToMany\s+6\s+\(2 through an association object\)/);
    assert.match(run.stdout, /no cycle of value imports/);
  });

  test("a single models file is an entry too", () => {
    const run = athanor(["check", "examples/seed/index.ts"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /models\s+3\s/);
  });

  test("broken models: an unknown target, an ambiguous foreign key and a value-import cycle, each with its file and fix", () => {
    const run = athanor(["check", "test/tools/fixtures/broken"]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, "");
    assert.match(run.stdout, /3 problems/);

    const ambiguous = /\d\. BrkBook\.author\n\s+2 foreign keys could link 'brk_books' and 'brk_authors'.*\n\s+fix: Name the one to use: foreignKeys: \["author_id"\] or \["editor_id"\]\.\n\s+at test\/tools\/fixtures\/broken\/brk-book\.ts:13\n/;
    assert.match(run.stdout, ambiguous);
    const unknown = /\d\. BrkReview\.book\n\s+the target 'BrkBok' is not a mapped model\. Did you mean 'BrkBook'\?\n\s+fix: .*\n\s+at test\/tools\/fixtures\/broken\/brk-review\.ts:12\n/;
    assert.match(run.stdout, unknown);
    assert.match(run.stdout, /\d\. import cycle of value imports: brk-author\.ts -> brk-book\.ts -> brk-author\.ts\n/);
    assert.match(run.stdout, /test\/tools\/fixtures\/broken\/brk-author\.ts and test\/tools\/fixtures\/broken\/brk-book\.ts import each other/);
    assert.match(run.stdout, /brk-author\.ts:5: use `import type \{ BrkBook \} from "\.\/brk-book\.js"` \(BrkBook is only used as a type\)/);
    assert.match(run.stdout, /brk-book\.ts:3: use `import type \{ BrkAuthor \} from "\.\/brk-author\.js"`/);
    // brk-review.ts imports brk-book.ts with `import type`: not part of any cycle.
    assert.doesNotMatch(run.stdout, /brk-review\.ts ->|-> brk-review\.ts/);
  });
});

describe("athanor check: a cycle that fails at run time", () => {
  test("the import error and the cycle that causes it are reported together", () => {
    const run = athanor(["check", "test/tools/fixtures/tdz"]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /2 problems/);
    assert.match(run.stdout, /cannot import test\/tools\/fixtures\/tdz\/brk-tdz-a\.ts\n\s+ReferenceError: Cannot access 'BrkTdzA' before initialization\n\s+fix: Break the import cycle reported below\./);
    assert.match(run.stdout, /import cycle of value imports: brk-tdz-a\.ts -> brk-tdz-b\.ts -> brk-tdz-a\.ts/);
    assert.match(run.stdout, /brk-tdz-b\.ts:3: BrkTdzA is used as a value/);
  });
});

describe("athanor diagram", () => {
  test("Mermaid (the default): the three tables with typed columns, and every relationship once with its cardinality", () => {
    const run = athanor(["diagram", "examples/seed"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^erDiagram\n/);
    for (const table of ["left_table", "right_table", "association_table"]) assert.match(run.stdout, new RegExp(`^\\s+${table}\\["[^"]*"\\] \\{$`, "m"));
    assert.match(run.stdout, /association_table\["association_table \(association object Association\)"\]/);
    assert.match(run.stdout, /integer left_id PK, FK "not null, -> left_table\.id"/);
    assert.match(run.stdout, /text extra_data "nullable, extra data"/);

    const links = mermaidLinks(run.stdout);
    assert.equal(links.length, 3, run.stdout);
    const expected: [string[], string][] = [
      [["Parent.childAssociations", "Association.parent"], "left_table ||--o{ association_table"],
      [["Child.parentAssociations", "Association.child"], "right_table ||--o{ association_table"],
      [["Parent.children", "Child.parents"], "}o..o{"],
    ];
    for (const [names, shape] of expected) {
      for (const name of names) {
        const found = links.filter((l) => l.label.split(/ \/ | via /).includes(name));
        assert.equal(found.length, 1, `${name} appears once`);
        const link = found[0]!;
        assert.ok(`${link.from} ${link.card} ${link.to}`.includes(shape), `${name}: ${link.from} ${link.card} ${link.to}`);
      }
    }
    const manyToMany = links.find((l) => l.card === "}o..o{")!;
    assert.deepEqual([manyToMany.from, manyToMany.to].sort(), ["left_table", "right_table"]);
    assert.match(manyToMany.label, / via association_table$/);
  });

  test("blog: one-to-one, self-referential and plain association tables", () => {
    const run = athanor(["diagram", "examples/blog", "--format", "mermaid"]);
    assert.equal(run.code, 0, run.stderr);
    const links = mermaidLinks(run.stdout);
    const byLabel = (name: string) => links.filter((l) => l.label.split(/ \/ | via /).includes(name));
    // 24 relationships in 12 back-populated pairs, plus the 4 foreign keys of post_tags and follows.
    assert.equal(links.length, 16);
    assert.equal(links.filter((l) => l.label.includes(" -> ")).length, 4);
    assert.deepEqual(byLabel("User.profile").map((l) => `${l.from} ${l.card} ${l.to}`), ["users ||--o| profiles"]);
    assert.deepEqual(byLabel("User.following").map((l) => `${l.from} ${l.card} ${l.to}`), ["users }o..o{ users"]);
    assert.deepEqual(byLabel("Category.children").map((l) => `${l.from} ${l.card} ${l.to}`), ["categories |o--o{ categories"]);
    assert.match(run.stdout, /post_tags\["post_tags \(association table\)"\]/);
    assert.match(run.stdout, /memberships\["memberships \(association object Membership\)"\]/);
    assert.match(run.stdout, /posts \|\|--o\{ post_tags : "post_tags\(post_id\) -> posts\.id"/);
  });

  test("SVG to a file: well-formed XML naming every table, rendered offline", () => {
    const out = join(scratch, "seed.svg");
    const run = athanor(["diagram", "examples/seed", "--format", "svg", "--out", out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /wrote .*seed\.svg/);
    const svg = readFileSync(out, "utf8");
    assert.equal(XMLValidator.validate(svg), true);
    const doc = new XMLParser({ ignoreAttributes: false }) .parse(svg) as { svg?: unknown };
    assert.ok(doc.svg, "an <svg> root element");
    const text = JSON.stringify(doc);
    for (const table of ["left_table", "right_table", "association_table"]) assert.ok(text.includes(table), `names ${table}`);
    assert.ok(text.includes("association object Association"));
  });

  test("DOT", () => {
    const run = athanor(["diagram", "examples/seed", "--format=dot"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^digraph athanor \{/);
    assert.match(run.stdout, /"left_table" -> "association_table" \[arrowtail=teetee, arrowhead=crowodot/);
  });

  test("broken models: no diagram, and a pointer to check", () => {
    assertOneLineError(athanor(["diagram", "test/tools/fixtures/broken"]), /2 configuration problems; run 'athanor check'/, 1);
  });
});

describe("configuration", () => {
  test("the models location from ATHANOR_MODELS, then athanor.config.json; flags and <entry> win", () => {
    const dir = mkdtempSync(join(scratch, "config-"));
    writeFileSync(join(dir, "athanor.config.json"), JSON.stringify({ models: join(fixtures, "no-models.ts"), url: "sqlite:///app.db" }));
    // The config file alone: its models (a module without models).
    assertOneLineError(athanor(["check"], { cwd: dir }), /no-models\.ts exports no mapped models/);
    // The environment wins over the file.
    const fromEnv = athanor(["check"], { cwd: dir, env: { ATHANOR_MODELS: join(fixtures, "broken") } });
    assert.equal(fromEnv.code, 1);
    assert.match(fromEnv.stdout, /3 problems/);
    // A flag wins over the environment, and so does the <entry> argument.
    const fromFlag = athanor(["check", "--models", join(fixtures, "no-models.ts")], { cwd: dir, env: { ATHANOR_MODELS: join(fixtures, "broken") } });
    assertOneLineError(fromFlag, /exports no mapped models/);
    const fromEntry = athanor(["check", join(fixtures, "broken")], { cwd: dir });
    assert.equal(fromEntry.code, 1);
  });

  test("athanor.config.json is found from a subfolder, and its relative models path is relative to the file", () => {
    const project = mkdtempSync(join(scratch, "project-"));
    writeFileSync(join(project, "athanor.config.json"), JSON.stringify({ models: relative(project, join(fixtures, "broken")) }));
    const deeper = join(project, "src", "deeper");
    mkdirSync(deeper, { recursive: true });
    for (const cwd of [project, deeper]) {
      const run = athanor(["check"], { cwd });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /3 problems/);
    }
  });

  test("the URL is validated from --url, ATHANOR_URL or the config file", () => {
    assertOneLineError(athanor(["check", "examples/seed", "--url", "not a url"]), /invalid database URL 'not a url'/);
    assertOneLineError(athanor(["check", "examples/seed"], { env: { ATHANOR_URL: "ftp://example.com/db" } }), /unsupported database URL scheme 'ftp:'/);
    // The flag wins over the environment: its (empty) SQLite database is the one compared, and the
    // environment's value is never parsed.
    const url = `sqlite:///${join(scratch, "precedence.db")}`;
    const ok = athanor(["check", "examples/seed", "--url", url], { env: { ATHANOR_URL: "nonsense" } });
    assert.equal(ok.code, 1, ok.stderr);
    assert.equal(ok.stderr, "");
    assert.match(ok.stdout, /table left_table\n\s+the table of Parent does not exist/);
    const dir = mkdtempSync(join(scratch, "config-"));
    writeFileSync(join(dir, "athanor.config.json"), JSON.stringify({ url: "::" }));
    assertOneLineError(athanor(["check", join(fixtures, "broken")], { cwd: dir }), /invalid database URL '::'/);
    writeFileSync(join(dir, "athanor.config.json"), "{ nope");
    assertOneLineError(athanor(["check", join(fixtures, "broken")], { cwd: dir }), /athanor\.config\.json: not valid JSON/);
  });
});

describe("help and bad input", () => {
  test("--help, and <command> --help", () => {
    const main = athanor(["--help"]);
    assert.equal(main.code, 0);
    assert.match(main.stdout, /Usage: athanor <command> <entry>/);
    assert.match(main.stdout, /check\s+check the model configuration/);
    assert.match(main.stdout, /diagram\s+print an entity-relationship diagram/);
    const diagram = athanor(["diagram", "--help"]);
    assert.equal(diagram.code, 0);
    assert.match(diagram.stdout, /--format <value>\s+mermaid \(default\), dot or svg/);
    assert.match(diagram.stdout, /--out <value>/);
    const bare = athanor([]);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, "");
    assert.match(bare.stderr, /Usage: athanor <command> <entry>/);
    const check = athanor(["check", "-h"]);
    assert.equal(check.code, 0);
    assert.doesNotMatch(check.stdout, /--format/);
  });

  test("each bad input is one line on stderr and a non-zero exit", () => {
    assertOneLineError(athanor(["check", "examples/nowhere"]), /no such file or folder: examples\/nowhere/);
    assertOneLineError(athanor(["check", "test/tools/fixtures/no-models.ts"]), /test\/tools\/fixtures\/no-models\.ts exports no mapped models/);
    assertOneLineError(athanor(["deploy", "examples/seed"]), /unknown command 'deploy'/);
    assertOneLineError(athanor(["migrate", "examples/seed"]), /unknown subcommand 'migrate examples\/seed' \(subcommands: new, up, down/);
    assertOneLineError(athanor(["check", "examples/seed", "--colour"]), /unknown flag '--colour' for 'athanor check'/);
    assertOneLineError(athanor(["check", "examples/seed", "--format", "svg"]), /unknown flag '--format' for 'athanor check'/);
    assertOneLineError(athanor(["diagram", "examples/seed", "--format", "png"]), /unknown format 'png'/);
    assertOneLineError(athanor(["diagram", "examples/seed", "--out"]), /flag '--out' needs a value/);
    assertOneLineError(athanor(["check"]), /missing <entry>/);
    assertOneLineError(athanor(["check", "examples/seed", "examples/blog"]), /unexpected argument 'examples\/blog'/);
    assertOneLineError(athanor(["diagram", "test/tools/fixtures/throws.ts"]), /cannot import test\/tools\/fixtures\/throws\.ts: Error: boom while defining the models$/);
  });

  test("--verbose adds the stack trace", () => {
    const run = athanor(["diagram", "test/tools/fixtures/throws.ts", "--verbose"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^athanor: cannot import .*throws\.ts: Error: boom/);
    assert.match(run.stderr, /\n\s+at .*throws\.ts:2/);
  });
});
