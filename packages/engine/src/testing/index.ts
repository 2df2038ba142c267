/**
 * `@sagaflow/engine/testing`: what tests of the engine, the server and future stores use, kept out of the
 * public entry point: the store contract suite and the helpers that damage a SQLite store behind its back.
 */

export { flipByte, rawSqlite, tamperEvent, tamperSnapshot } from "../store/sqlite/testing";
export { describeRunStore, type OpenedStore } from "./run-store-contract";
