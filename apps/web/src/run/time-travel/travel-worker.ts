import { TravelFold } from "./travel-fold";
import type { FromWorker, ToWorker } from "./travel-messages";

/**
 * The time-travel fold off the main thread: pages of history arrive, are folded (with checkpoints), and
 * each seek answers with the run as of that event. Seeks that pile up while one is folded collapse into
 * the latest: a dragged slider asks for many points and only the last one matters.
 */

/** The worker's global scope, typed by what is used of it (the app compiles with the DOM's types). */
const scope = globalThis as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((message: MessageEvent<ToWorker>) => void) | null;
};

let fold: TravelFold | undefined;
let wanted: number | null = null;
let busy = false;

const post = (message: FromWorker) => scope.postMessage(message);

function answer(): void {
  busy = false;
  if (wanted === null || !fold) return;
  const seq = wanted;
  wanted = null;
  busy = true;
  const started = performance.now();
  const point = fold.at(seq);
  post({ type: "point", foldMs: performance.now() - started, ...point });
  // Let the next messages (newer seeks) in before answering again.
  setTimeout(answer, 0);
}

scope.onmessage = (message) => {
  const data = message.data;
  if (data.type === "init") {
    fold = new TravelFold(data.runId, data.definition);
    return;
  }
  if (!fold) return;
  if (data.type === "append") {
    const started = performance.now();
    fold.append(data.events);
    post({ type: "appended", length: fold.length, foldMs: performance.now() - started });
    return;
  }
  wanted = data.seq;
  if (!busy) answer();
};
