import { describe, expect, it } from "vitest";
import { isBoundedExpression } from "./bounded-expression";

describe("expressions bounded by their inputs", () => {
  it("runs paths, arithmetic, conditions, constructors and linear built-ins on this thread", () => {
    for (const expression of [
      "$exists($steps.step) ? $steps.step + 1 : 1",
      "$steps.step < 10",
      "{'a': $input.n, 'b': [1, 2]}",
      "$input.items[price > 3].name",
      "'hi ' & $input.who",
      "$count($input.items) > 0 and $not($input.dry)",
    ]) {
      expect(isBoundedExpression(expression), expression).toBe(true);
    }
  });

  it("sends regexes, ranges, lambdas, string builders, unknown functions and big expressions to the isolate", () => {
    for (const expression of [
      "$contains('aaaa!', /^(a+)+$/)",
      "[1..100000000]",
      "$pad('x', 300000000)",
      "($f := function($n){ $f($n) }; $f(1))",
      "$join($input.list)",
      "$input.items ~> $map(function($v){ $v })",
      Array.from({ length: 40 }, () => "$input.s").join(" & "),
      "not an expression (",
    ]) {
      expect(isBoundedExpression(expression), expression).toBe(false);
    }
  });
});
