import type { RunSnapshot } from "@sagaflow/shared";
import { useState } from "react";
import { navigate } from "../../lib/route";
import { toast } from "../../lib/toast";
import { api, errorMessage } from "../../lib/trpc";
import { ConfirmDialog } from "../ui/confirm-dialog";

/**
 * "Run again" for a run that ended with nothing left to continue (compensated: its steps were undone;
 * canceled): a new run with the same input, on the version this one ran on or on the latest, then opened.
 */
export function RunAgainDialog(props: { snapshot: RunSnapshot; newer: number | null; onClose: () => void }) {
  const { snapshot, onClose } = props;
  const [busy, setBusy] = useState(false);
  const start = async (version: number | undefined) => {
    setBusy(true);
    try {
      const { runId } = await api.runs.start.mutate({
        name: snapshot.workflow,
        input: snapshot.input,
        ...(version === undefined ? {} : { version }),
      });
      toast("New run started", "success");
      onClose();
      navigate({ page: "run", runId });
    } catch (error) {
      toast(errorMessage(error), "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <ConfirmDialog
      title="Run again with the same input?"
      confirmLabel={`Run v${snapshot.version} again`}
      alternative={{
        label: "Run the latest version",
        testId: "run-again-latest",
        onClick: () => void start(undefined),
      }}
      busy={busy}
      onClose={onClose}
      onConfirm={() => void start(snapshot.version)}
    >
      <p>
        This run ended {snapshot.status}: it has nothing left to continue. A new run starts from the beginning
        with the same input; this one stays as it is.
      </p>
    </ConfirmDialog>
  );
}
