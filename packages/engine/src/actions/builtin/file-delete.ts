import { lstatSync, unlinkSync } from "node:fs";
import { z } from "zod";
import { ActionError, throwIfAborted } from "../errors";
import { defineAction } from "../types";

export const fileDelete = defineAction({
  name: "file.delete",
  description:
    "Deletes one file (a symlink itself, not its target). A missing file is not an error, so retries " +
    "are safe. Output: {deleted} (false when there was nothing to delete).",
  effect: "write",
  params: z.strictObject({
    path: z.string().min(1).describe("The file to delete; relative paths start at the first allowed root"),
  }),
  async handler(params, ctx) {
    const file = ctx.resolvePath(params.path);
    throwIfAborted(ctx.signal);
    const stats = lstatSync(file, { throwIfNoEntry: false });
    if (stats === undefined) return { deleted: false };
    if (stats.isDirectory()) throw new ActionError("NotAFile", `"${params.path}" is a directory, not a file`);
    unlinkSync(file);
    return { deleted: true };
  },
});
