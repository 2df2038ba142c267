export * from "./definition/duration";
export * from "./definition/expression";
export * from "./definition/schema";
export * from "./diagnostics";
export * from "./events";
export * from "./run";
export * from "./snapshot";
export * from "./validator";
