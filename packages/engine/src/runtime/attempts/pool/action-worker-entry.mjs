// The pool's worker entry: plain JavaScript that teaches this thread TypeScript (tsx), then loads the
// task. A worker thread shares no loader with the thread that made it, whether that ran under tsx,
// Vitest or plain node.
import { register } from "tsx/esm/api";

register();
const { default: runActionTask } = await import("./action-worker.ts");
export default runActionTask;
