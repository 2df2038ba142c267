import type { RouterOutputs } from "@sagaflow/server/router";
import { useEffect, useState } from "react";
import { api } from "../../lib/trpc";

export type RunRow = RouterOutputs["runs"]["list"]["runs"][number];

/** `workflow@version` → the ids of its signal states (a version never changes, so this is cached for good). */
const signalStatesCache = new Map<string, Promise<Set<string>>>();

function signalStatesOf(workflow: string, version: number): Promise<Set<string>> {
  const key = `${workflow}@${version}`;
  let found = signalStatesCache.get(key);
  if (!found) {
    found = api.definitions.get
      .query({ name: workflow, version })
      .then(
        (stored) =>
          new Set(
            Object.entries(stored.definition.states)
              .filter(([, state]) => state.type === "signal")
              .map(([id]) => id),
          ),
      )
      .catch(() => new Set<string>());
    signalStatesCache.set(key, found);
  }
  return found;
}

/** The signal states of the workflow versions of the waiting runs shown. */
export function useSignalStates(rows: readonly RunRow[]): Record<string, Set<string>> {
  const [known, setKnown] = useState<Record<string, Set<string>>>({});
  const wanted = [
    ...new Set(rows.filter((r) => r.status === "waiting").map((r) => `${r.workflow}@${r.version}`)),
  ];
  const key = wanted.sort().join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the versions wanted
  useEffect(() => {
    let live = true;
    for (const item of wanted) {
      const at = item.lastIndexOf("@");
      void signalStatesOf(item.slice(0, at), Number(item.slice(at + 1))).then(
        (ids) => live && setKnown((k) => (k[item] ? k : { ...k, [item]: ids })),
      );
    }
    return () => {
      live = false;
    };
  }, [key]);
  return known;
}

/** Why a run needs a person, or null: a failed compensation, a suspension, or a wait on a signal. */
export function needsPerson(run: RunRow, signalStates: Record<string, Set<string>>): string | null {
  if (run.status === "compensation_failed") return "needs a person";
  if (run.status === "suspended") return "needs a decision";
  if (run.status === "waiting" && run.currentState) {
    const ids = signalStates[`${run.workflow}@${run.version}`];
    if (ids?.has(run.currentState)) return "awaiting signal";
  }
  return null;
}
