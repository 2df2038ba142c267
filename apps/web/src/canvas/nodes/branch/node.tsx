import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { BranchNode as BranchNodeType } from "../../types";

/** A parallel branch: a lane inside its parallel, holding the branch's states. */
export const BranchNode = memo(function BranchNode({ data }: NodeProps<BranchNodeType>) {
  return (
    <div className="h-full w-full rounded-xl border border-teal-200 border-dashed bg-white/70">
      <div className="px-2.5 pt-1.5 font-medium text-[10px] text-teal-700 uppercase tracking-wider">
        {data.branch}
      </div>
    </div>
  );
});
