import type { ActionCatalog } from "@sagaflow/shared";
import { useEffect, useState } from "react";
import { api } from "./trpc";

let cached: Promise<ActionCatalog> | undefined;

/** The server's action catalog, fetched once per page load. */
export function useActionCatalog(): ActionCatalog | undefined {
  const [catalog, setCatalog] = useState<ActionCatalog>();
  useEffect(() => {
    cached ??= api.actions.catalog.query().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    let live = true;
    cached.then((value) => live && setCatalog(value)).catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return catalog;
}
