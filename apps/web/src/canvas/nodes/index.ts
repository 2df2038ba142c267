import type { NodeTypes } from "@xyflow/react";
import { BranchNode } from "./branch/node";
import { ChoiceNode } from "./choice/node";
import { CompensationNode } from "./compensation/node";
import { FailNode } from "./fail/node";
import { MapNode } from "./map/node";
import { ParallelNode } from "./parallel/node";
import { SignalNode } from "./signal/node";
import { SucceedNode } from "./succeed/node";
import { TaskNode } from "./task/node";
import { WaitNode } from "./wait/node";

/** Declared once at module level so React Flow never re-creates node components. */
export const nodeTypes = {
  task: TaskNode,
  compensation: CompensationNode,
  choice: ChoiceNode,
  parallel: ParallelNode,
  map: MapNode,
  wait: WaitNode,
  signal: SignalNode,
  succeed: SucceedNode,
  fail: FailNode,
  branch: BranchNode,
} satisfies NodeTypes;
