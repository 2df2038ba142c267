import type { ActionCatalogEntry } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { dropCarried, switchAction } from "./action-switch";

const entry = (params: Record<string, unknown>): ActionCatalogEntry => ({
  name: "x",
  description: "",
  effect: "none",
  params: { type: "object", ...params },
});

const transform = entry({ properties: { value: {} }, required: ["value"] });
const assert = entry({
  properties: { that: {}, message: { type: "string", default: "Assertion failed" } },
  required: ["that"],
});

describe("switching a state's action", () => {
  it("keeps the old params on offer, names the unknown ones and pre-fills the required ones", () => {
    const switched = switchAction({ message: "Hello" }, transform);
    expect(switched).toEqual({
      params: { message: "Hello", value: "{% $input %}" },
      carried: ["message"],
      unknown: ["message"],
    });
    expect(dropCarried(switched.params, switched.carried, transform)).toEqual({ value: "{% $input %}" });
  });

  it("offers to drop a param that fits by name but came from the old action", () => {
    const switched = switchAction({ message: "Hello from Sagaflow" }, assert);
    expect(switched.unknown).toEqual([]);
    expect(switched.carried).toEqual(["message"]);
    expect(dropCarried(switched.params, switched.carried, assert)).toEqual({ that: "{% $input %}" });
  });

  it("pre-fills numbers, booleans, enums and URLs, and leaves required texts for the user", () => {
    const http = entry({
      properties: {
        url: { type: "string", format: "uri" },
        method: { type: "string", enum: ["GET", "POST"] },
        failTimes: { type: "integer", minimum: 0 },
        database: { type: "string", minLength: 1 },
      },
      required: ["url", "method", "failTimes", "database"],
    });
    expect(switchAction(undefined, http).params).toEqual({
      url: "https://example.com",
      method: "GET",
      failTimes: 0,
    });
  });
});
