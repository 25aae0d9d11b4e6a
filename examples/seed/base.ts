/** The declarative base of the seed's models: it owns their registry and MetaData. */
import { DeclarativeBase } from "athanor";

export class Base extends DeclarativeBase {}
