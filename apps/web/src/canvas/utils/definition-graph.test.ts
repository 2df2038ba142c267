import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Definition } from "@sagaflow/shared";
import { definitionSchema } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { isStateNode } from "../types";
import { definitionToGraph } from "./definition-to-graph";
import { everyState } from "./fixtures/every-state";
import { graphToDefinition } from "./graph-to-definition";

const examplesDir = join(import.meta.dirname, "../../../../../examples");
const examples: [string, Definition][] = existsSync(examplesDir)
  ? readdirSync(examplesDir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => [f, definitionSchema.parse(JSON.parse(readFileSync(join(examplesDir, f), "utf8")))])
  : [];

const withoutLayout = ({ layout: _layout, ...rest }: Definition) => rest;

describe("definitionToGraph", () => {
  const graph = definitionToGraph(everyState);

  it("makes a node per state, nested ones with their parent, and a group per parallel branch", () => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    expect(graph.nodes.filter(isStateNode)).toHaveLength(13);
    expect(byId.get("fan.left")?.type).toBe("branch");
    expect(byId.get("each")?.parentId).toBe("fan.left");
    expect(byId.get("work")?.parentId).toBe("each");
    expect(byId.get("nap")?.parentId).toBe("fan.right");
    // React Flow needs parents before children.
    graph.nodes.forEach((node, index) => {
      if (node.parentId) expect(graph.nodes.findIndex((n) => n.id === node.parentId)).toBeLessThan(index);
    });
    expect(graph.needsLayout).toBe(true);
    expect(graph.meta).toEqual({ name: "every-state", title: "Every state", startAt: "backup" });
  });

  it("draws an edge of the right kind for every transition field", () => {
    const kinds = graph.edges.map(
      (e) => `${e.source}-${e.data?.kind}${e.data?.label ? `(${e.data.label})` : ""}->${e.target}`,
    );
    expect(kinds.sort()).toEqual(
      [
        "backup-next->migrate",
        "migrate-next->check",
        "migrate-catch(Timeout, Busy)->failed",
        "migrate-compensation(compensate)->restore",
        "check-choice(changed)->fan",
        "check-choice($input.force)->approve",
        "check-otherwise(otherwise)->done",
        "approve-next->pause",
        "approve-timeout(timeout)->failed",
        "pause-next->fan",
        "fan-next->done",
        "nap-next->ok",
      ].sort(),
    );
    expect(graph.edges.find((e) => e.data?.kind === "compensation")?.targetHandle).toBe("compensation");
  });

  it("skips references to states that do not exist, but keeps them in the state", () => {
    const broken: Definition = {
      ...everyState,
      states: { ...everyState.states, pause: { type: "wait", duration: "1s", next: "nowhere" } },
    };
    const g = definitionToGraph(broken);
    expect(g.edges.some((e) => e.source === "pause")).toBe(false);
    expect(withoutLayout(graphToDefinition(g.nodes, g.meta))).toEqual(broken);
  });
});

describe("graphToDefinition", () => {
  it("round-trips the definition, layout included once it has one", () => {
    const graph = definitionToGraph(everyState);
    const once = graphToDefinition(graph.nodes, graph.meta);
    expect(withoutLayout(once)).toEqual(everyState);
    expect(Object.keys(once.layout ?? {})).toContain("fan.right");
    const again = definitionToGraph(once);
    expect(again.needsLayout).toBe(false);
    expect(graphToDefinition(again.nodes, again.meta)).toEqual(once);
  });

  it.each(examples.length > 0 ? examples : [["(fixture)", everyState] as [string, Definition]])(
    "round-trips %s",
    (_name, definition) => {
      const graph = definitionToGraph(definition);
      const back = graphToDefinition(graph.nodes, graph.meta);
      if (definition.layout) expect(back).toEqual(definition);
      else expect(withoutLayout(back)).toEqual(definition);
    },
  );
});
