import type { Definition } from "@sagaflow/shared";
import { useState } from "react";
import { navigate } from "../../lib/route";
import { toast } from "../../lib/toast";
import { api, errorMessage } from "../../lib/trpc";

/**
 * "v1 of 3, read-only": an older version says so, and offers the two ways on: open the latest, or make
 * this one the latest again (saved as a new version, the history untouched), or compare it with the latest.
 */
export function OldVersionBanner(props: {
  name: string;
  version: number;
  latest: number;
  definition: Definition;
}) {
  const { name, version, latest, definition } = props;
  const [busy, setBusy] = useState(false);
  const restore = async () => {
    setBusy(true);
    try {
      const saved = await api.definitions.save.mutate({ definition });
      toast(`Restored v${version} as ${name} v${saved.version}`, "success");
      navigate({ page: "editor", name, isNew: false });
    } catch (error) {
      toast(errorMessage(error), "error");
    } finally {
      setBusy(false);
    }
  };
  const link = "font-semibold text-amber-900 underline decoration-dotted underline-offset-2";
  return (
    <div
      data-testid="old-version-banner"
      className="flex shrink-0 flex-wrap items-center gap-x-4 gap-y-1 border-amber-200 border-b bg-amber-50 px-4 py-2 text-[12.5px] text-amber-900"
    >
      <span>
        <b>
          v{version} of {latest}
        </b>
        , read-only: an older version. Runs pinned to it keep running it.
      </span>
      <button type="button" className={link} onClick={() => navigate({ page: "editor", name, isNew: false })}>
        Open latest (v{latest})
      </button>
      <button
        type="button"
        className={link}
        disabled={busy}
        onClick={() => void restore()}
        data-testid="restore-version"
      >
        Restore as new version
      </button>
      <button
        type="button"
        className={link}
        onClick={() => navigate({ page: "compare", name, a: version, b: latest })}
      >
        Compare with v{latest}
      </button>
    </div>
  );
}
