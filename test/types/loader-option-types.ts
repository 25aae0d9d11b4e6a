/**
 * Type-level promises of loader options: each step of a chain names a relationship of the model
 * the step before leads to; `containsEager` names a relationship of the model given;
 * `raiseLoad("*")` takes only the wildcard without a model.
 */
import { containsEager, joinedLoad, populateExisting, raiseLoad, select, selectinLoad } from "../../src/index.js";
import { LsAuthor, LsBook, LsReview } from "../session/fixtures/loader-shop.js";

export function loaderOptionTypes(): void {
  select(LsAuthor).options(selectinLoad(LsAuthor, "books").joinedLoad("reviews").joinedLoad("reader"));
  select(LsReview).options(joinedLoad(LsReview, "book").selectinLoad("author").raiseLoad("*"));
  select(LsBook).options(raiseLoad("*"), raiseLoad(LsBook, "reviews"), populateExisting());
  select(LsBook).options(containsEager(LsBook, "author"), containsEager(LsBook, "reviews"));

  // @ts-expect-error "reviews" is a relationship of LsBook, not of LsAuthor
  selectinLoad(LsAuthor, "books").joinedLoad("author").joinedLoad("reviews");
  // @ts-expect-error "title" is a column, not a relationship
  selectinLoad(LsAuthor, "books").joinedLoad("title");
  // @ts-expect-error a column is not a relationship to fill from a JOIN
  containsEager(LsBook, "title");
  // @ts-expect-error LsBook has no relationship "books"
  containsEager(LsBook, "books");
  // @ts-expect-error a wildcard other than "*"
  raiseLoad("all");
}
