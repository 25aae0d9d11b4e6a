/**
 * Compile-time fixture of `@hybrid` getters (docs/hybrid-attributes.md): compiled by both
 * compilers, never executed. The expression is checked against the getter's type, with the
 * model's columns typed in the callback; each mistake is under `// @ts-expect-error`.
 */
import { DeclarativeBase, column, columnsOf, hybrid, integer, model, string, type Labeled } from "athanor";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<_T extends true>(): void {}

class HtBase extends DeclarativeBase {}

@model("ht_people")
export class HtPerson extends HtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor first!: string;
  @column(string(20)) accessor nick!: string | null;
  @column(integer().notNull()) accessor born!: number;

  @hybrid((c) => c.first.concat("!"))
  get shout(): string {
    return `${this.first}!`;
  }

  /** A nullable getter: its SQL may be nullable too. */
  @hybrid((c) => c.nick.concat("?"))
  get ask(): string | null {
    return this.nick === null ? null : `${this.nick}?`;
  }

  @hybrid((c) => c.born.plus(18))
  get adultFrom(): number {
    return this.born + 18;
  }

  // @ts-expect-error: the SQL is a number, the getter a string
  @hybrid((c) => c.born.plus(1))
  get wrongType(): string {
    return "";
  }

  // @ts-expect-error: the callback's columns are the model's, typed: there is no `last`
  @hybrid((c) => c.last.concat("!"))
  get noSuchColumn(): string {
    return "";
  }
}

const p = columnsOf(HtPerson);
expectType<Equal<typeof p.shout, Labeled<string, "shout">>>();
expectType<Equal<typeof p.ask, Labeled<string | null, "ask">>>();
p.adultFrom.gt(2000);
