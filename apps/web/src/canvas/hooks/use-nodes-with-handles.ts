import { useMemo } from "react";
import { estimatedHandles } from "../nodes/handle-placement";
import { useEditor } from "../store/editor-context";
import type { FlowNode } from "../types";

/**
 * The store's nodes as React Flow should get them: a node not measured yet carries the handles it will
 * have, so React Flow draws only the nodes on screen instead of every node once to measure it. Each
 * estimate is cached per node object (and direction), so unchanged nodes keep their identity and React
 * Flow skips them.
 */
export function useNodesWithHandles(): FlowNode[] {
  const nodes = useEditor((s) => s.nodes);
  const lr = useEditor((s) => s.direction === "LR");
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new direction must start a new cache
  const cache = useMemo(() => new WeakMap<FlowNode, FlowNode>(), [lr]);
  return useMemo(
    () =>
      nodes.map((node) => {
        if (node.measured?.width !== undefined || node.handles) return node;
        let withHandles = cache.get(node);
        if (!withHandles) {
          withHandles = { ...node, handles: estimatedHandles(node, lr) } as FlowNode;
          cache.set(node, withHandles);
        }
        return withHandles;
      }),
    [nodes, cache, lr],
  );
}
