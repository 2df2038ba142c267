/** What a shared run link opens on: the selected state, the timeline's event, the tabs. */
export interface RunLink {
  state?: string;
  /** The event (its seq) picked on the timeline or in the events list. */
  seq?: number;
  tab?: "gantt" | "events";
  side?: "step" | "format";
}

/** The run link in `#/runs/<id>?state=…&seq=…&tab=…&side=…`; unknown values are left out. */
export function parseRunLink(hash: string): RunLink {
  const params = new URLSearchParams(hash.split("?")[1] ?? "");
  const state = params.get("state");
  const seq = Number(params.get("seq"));
  const tab = params.get("tab");
  const side = params.get("side");
  return {
    ...(state ? { state } : {}),
    ...(Number.isInteger(seq) && seq > 0 ? { seq } : {}),
    ...(tab === "gantt" || tab === "events" ? { tab } : {}),
    ...(side === "step" || side === "format" ? { side } : {}),
  };
}

/** Defaults (the timeline tab, the step inspector) stay out of the URL. */
export function runLinkHash(runId: string, link: RunLink): string {
  const params = new URLSearchParams();
  if (link.state) params.set("state", link.state);
  if (link.seq) params.set("seq", String(link.seq));
  if (link.tab && link.tab !== "gantt") params.set("tab", link.tab);
  if (link.side && link.side !== "step") params.set("side", link.side);
  const path = `#/runs/${encodeURIComponent(runId)}`;
  return params.size > 0 ? `${path}?${params}` : path;
}

/** Keeps the URL on what the run view shows, without a history entry per click. */
export function replaceRunLink(runId: string, link: RunLink): void {
  const hash = runLinkHash(runId, link);
  if (window.location.hash !== hash) history.replaceState(history.state, "", hash);
}
