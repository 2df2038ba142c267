import { navigate } from "../../lib/route";
import { api, errorMessage } from "../../lib/trpc";
import { useAsync } from "../../lib/use-async";

/** The saved versions of a workflow, newest first; opening one loads it into the designer. */
export function VersionsMenu({
  name,
  current,
  onClose,
}: {
  name: string;
  current: number | undefined;
  onClose: () => void;
}) {
  const versions = useAsync(() => api.definitions.versions.query({ name }), name);
  return (
    <div
      className="absolute top-10 right-0 z-30 w-64 rounded-xl border border-slate-200 bg-white p-1.5 shadow-xl"
      data-testid="versions-menu"
    >
      <div className="px-2 py-1 font-semibold text-[11px] text-slate-400 uppercase tracking-wider">
        Versions
      </div>
      {versions.status === "loading" && <div className="px-2 py-2 text-[12px] text-slate-400">Loading…</div>}
      {versions.status === "error" && (
        <div className="px-2 py-2 text-[12px] text-rose-600">{errorMessage(versions.error)}</div>
      )}
      {versions.status === "ready" &&
        versions.value.map((v: { version: number; createdAt: string }) => (
          <div key={v.version} className="flex items-center gap-1">
            <button
              type="button"
              onClick={() => {
                onClose();
                navigate({ page: "editor", name, isNew: false, version: v.version });
              }}
              className={`flex min-w-0 flex-1 items-center justify-between rounded-lg px-2 py-1.5 text-left text-[13px] hover:bg-slate-50 ${v.version === current ? "bg-indigo-50 text-indigo-700" : "text-slate-700"}`}
            >
              <span className="font-medium">v{v.version}</span>
              <span className="text-[11px] text-slate-400">{new Date(v.createdAt).toLocaleString()}</span>
            </button>
            {current !== undefined && v.version !== current && (
              <button
                type="button"
                data-testid={`compare-v${v.version}`}
                title={`Compare v${v.version} with v${current} on the canvas`}
                onClick={() => {
                  onClose();
                  navigate({
                    page: "compare",
                    name,
                    a: Math.min(v.version, current),
                    b: Math.max(v.version, current),
                  });
                }}
                className="rounded-md px-1.5 py-1 text-[11px] text-indigo-700 hover:bg-indigo-50"
              >
                Compare
              </button>
            )}
          </div>
        ))}
    </div>
  );
}
