import { lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import { FatalError } from "./types";

/** Thrown when an action's file path leaves the allowed roots; nothing has been touched yet. Never retried. */
export class ForbiddenPathError extends FatalError {
  override name = "ForbiddenPath";
}

export interface PathPolicy {
  /** The allowed roots, absolute. Relative paths resolve against the first (or the working directory). */
  readonly roots: readonly string[];
  /** The absolute, normalised path inside a root, or throws ForbiddenPath. */
  resolvePath(requested: string): string;
}

export interface PathPolicyOptions {
  /**
   * Files no action may reach whatever the roots: the engine's own database. Each also protects every
   * file of its folder whose name begins with its name (`-wal`, `-shm`, `-journal`, backups beside it).
   */
  protectedFiles?: readonly string[];
}

/**
 * Confines action paths to `roots` (SPEC §4). A path is allowed when both its normalised form and the
 * real path of its longest existing prefix lie inside a root, so neither `..` nor a symlink pointing
 * outside (even a dangling one) can escape. Roots that are themselves symlinks are compared by real path.
 * No roots: every path is refused. Protected files are refused by lexical and by real path, so a symlink
 * to the engine's database does not reach it either.
 */
export function createPathPolicy(roots: readonly string[], options: PathPolicyOptions = {}): PathPolicy {
  const lexicalRoots = roots.map((root) => path.resolve(root));
  const realRoots = lexicalRoots.map((root) => realPathOfExistingPrefix(root) ?? root);
  const describeRoots = () => lexicalRoots.join(", ");
  const protectedFiles = (options.protectedFiles ?? []).flatMap((file) => {
    const absolute = path.resolve(file);
    return [absolute, realPathOfExistingPrefix(absolute) ?? absolute];
  });
  const isProtected = (candidate: string) =>
    protectedFiles.some(
      (file) =>
        path.dirname(candidate) === path.dirname(file) &&
        path.basename(candidate).startsWith(path.basename(file)),
    );

  const resolvePath = (requested: string): string => {
    if (typeof requested !== "string" || requested.trim() === "") {
      throw new ForbiddenPathError("An empty path is not allowed");
    }
    if (requested.includes("\0")) throw new ForbiddenPathError("A path may not contain NUL characters");
    if (lexicalRoots.length === 0) {
      throw new ForbiddenPathError(
        `Path "${requested}" is refused: no folder is open to actions (start with --allow-path <dir>)`,
      );
    }
    const absolute = path.resolve(lexicalRoots[0]!, requested);
    const inside = [...lexicalRoots, ...realRoots].some((root) => isInside(absolute, root));
    if (!inside) {
      throw new ForbiddenPathError(`Path "${requested}" is outside the allowed roots (${describeRoots()})`);
    }
    const real = realPathOfExistingPrefix(absolute);
    if (real === undefined) {
      throw new ForbiddenPathError(`Path "${requested}" goes through a symlink that points nowhere`);
    }
    if (!realRoots.some((root) => isInside(real, root))) {
      throw new ForbiddenPathError(
        `Path "${requested}" leads outside the allowed roots (${describeRoots()}) through a symlink`,
      );
    }
    if (isProtected(absolute) || isProtected(real)) {
      throw new ForbiddenPathError(
        `Path "${requested}" is the engine's own database: no action may touch it`,
      );
    }
    return absolute;
  };

  return { roots: lexicalRoots, resolvePath };
}

function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  if (relative === "") return true;
  return relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * The real path of `absolute`: its longest existing prefix resolved through symlinks, plus the
 * not-yet-existing rest. Undefined when an existing entry is a symlink that cannot be resolved.
 */
function realPathOfExistingPrefix(absolute: string): string | undefined {
  const missing: string[] = [];
  let current = absolute;
  while (!entryExists(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    missing.unshift(path.basename(current));
    current = parent;
  }
  try {
    return path.join(realpathSync(current), ...missing);
  } catch {
    return undefined;
  }
}

/** Whether a directory entry exists (a dangling symlink counts); a file used as a directory does not. */
function entryExists(absolute: string): boolean {
  try {
    return lstatSync(absolute, { throwIfNoEntry: false }) !== undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return false;
    throw error;
  }
}
