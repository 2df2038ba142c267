import { useReactFlow } from "@xyflow/react";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { FlowCanvas } from "../../canvas/flow-canvas";
import { useEditorStore } from "../../canvas/store/editor-context";
import { StateFormatPanel } from "../inspector/state-format-panel";
import { StepInspector } from "../inspector/step-inspector";
import { useRunSession, useRunSessionStore } from "../live/run-session-context";
import { Scrubber, TimeTravelButton } from "../time-travel/scrubber";
import { EventList } from "../timeline/event-list";
import { GanttChart } from "../timeline/gantt-chart";
import { ErrorSummary } from "./error-summary";
import { RunHeader } from "./run-header";
import { parseRunLink, replaceRunLink } from "./run-link";

type SideTab = "step" | "format";
type BottomTab = "gantt" | "events";

/** Step Functions' layout: the error summary and actions on top, the graph, the timeline and events below. */
export function RunWorkspace() {
  const session = useRunSessionStore();
  const editor = useEditorStore();
  const flow = useReactFlow();
  const runId = useRunSession((s) => s.runId);
  const selected = useRunSession((s) => s.selected);
  const focusSeq = useRunSession((s) => s.focusSeq);
  const eventCount = useRunSession((s) => s.eventCount);
  // A shared link opens on what its sender saw: the state, the event, the tabs.
  const [link] = useState(() => parseRunLink(window.location.hash));
  const [side, setSide] = useState<SideTab>(link.side ?? "step");
  const [bottom, setBottom] = useState<BottomTab>(link.tab ?? "gantt");

  // The canvas shows the selection too (an outline), wherever it came from.
  useEffect(() => {
    editor.getState().select(selected ?? "");
  }, [editor, selected]);

  const onNodeClick = useCallback(
    (id: string) => {
      session.getState().select(id);
      setSide("step");
    },
    [session],
  );
  const focusNode = useCallback(
    (id: string) => {
      if (!editor.getState().nodes.some((n) => n.id === id)) return;
      flow.fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.1, padding: 0.8 });
    },
    [editor, flow],
  );

  useEffect(() => {
    if (link.state) session.getState().select(link.state, link.seq ?? null);
  }, [link, session]);
  useEffect(() => {
    replaceRunLink(runId, {
      ...(selected ? { state: selected } : {}),
      ...(focusSeq !== null ? { seq: focusSeq } : {}),
      tab: bottom,
      side,
    });
  }, [runId, selected, focusSeq, bottom, side]);

  return (
    <div className="sf-run flex min-h-0 flex-1 flex-col" data-testid="run-view">
      <RunHeader />
      <ErrorSummary onSelect={onNodeClick} />
      <div className="flex min-h-0 flex-1">
        <div className="flex min-w-0 flex-1 flex-col">
          <div className="min-h-0 flex-1">
            <FlowCanvas onNodeClick={onNodeClick} />
          </div>
          <Scrubber />
          <section className="flex h-[290px] shrink-0 flex-col border-slate-200 border-t bg-white">
            <Tabs
              value={bottom}
              onChange={setBottom}
              tabs={[
                { value: "gantt", label: "Timeline" },
                { value: "events", label: `Events (${eventCount.toLocaleString()})` },
              ]}
              extra={<TimeTravelButton />}
            />
            <div className="min-h-0 flex-1">
              {bottom === "gantt" ? <GanttChart onFocus={focusNode} /> : <EventList onFocus={focusNode} />}
            </div>
          </section>
        </div>
        <aside className="flex w-[380px] shrink-0 flex-col border-slate-200 border-l bg-white">
          <Tabs
            value={side}
            onChange={setSide}
            tabs={[
              { value: "step", label: "Step" },
              { value: "format", label: "State format" },
            ]}
          />
          <div className="min-h-0 flex-1 overflow-y-auto">
            {side === "step" ? <StepInspector /> : <StateFormatPanel />}
          </div>
        </aside>
      </div>
    </div>
  );
}

function Tabs<T extends string>(props: {
  value: T;
  onChange: (value: T) => void;
  tabs: { value: T; label: string }[];
  extra?: ReactNode;
}) {
  // The tab list holds only tabs (ARIA); anything else in the row sits beside it.
  return (
    <div className="flex h-9 shrink-0 items-end border-slate-100 border-b px-3">
      <div className="flex items-end gap-1" role="tablist">
        {props.tabs.map((tab) => (
          <button
            key={tab.value}
            type="button"
            role="tab"
            aria-selected={props.value === tab.value}
            data-testid={`tab-${tab.value}`}
            onClick={() => props.onChange(tab.value)}
            className={`-mb-px border-b-2 px-2.5 pb-2 font-medium text-[12px] ${props.value === tab.value ? "border-indigo-600 text-indigo-700" : "border-transparent text-slate-500 hover:text-slate-800"}`}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {props.extra}
    </div>
  );
}
